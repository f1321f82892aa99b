package io.runnel.server.api.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.firehose.DeliveryStream;
import io.runnel.server.http.ApiException;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Delivery stream names in order, {@code Limit} (default 10) at a time, after {@code ExclusiveStartDeliveryStreamName}. */
final class ListDeliveryStreamsAction implements FirehoseAction {

    @Override
    public List<Member> input() {
        return List.of(Member.integer("Limit").range(1, 10_000),
                Member.string("DeliveryStreamType").oneOf("DirectPut", "KinesisStreamAsSource", "MSKAsSource", "DatabaseAsSource"),
                Member.string("ExclusiveStartDeliveryStreamName").length(1, 64).pattern(FirehoseMembers.NAME_PATTERN));
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Firehose firehose) {
        int limit = request.integer("Limit", 10);
        String type = request.string("DeliveryStreamType");
        String after = request.string("ExclusiveStartDeliveryStreamName");
        List<String> names = firehose.deliveryStreams.all().stream()
                .filter(s -> type == null || s.type().equals(type))
                .map(DeliveryStream::name)
                .filter(n -> after == null || n.compareTo(after) > 0).toList();
        ObjectNode response = Firehose.object();
        var list = response.putArray("DeliveryStreamNames");
        names.stream().limit(limit).forEach(list::add);
        response.put("HasMoreDeliveryStreams", names.size() > limit);
        return Firehose.done(response);
    }
}
