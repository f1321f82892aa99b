package io.runnel.server.api.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.firehose.DeliveryStream;
import io.runnel.server.http.ApiException;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import java.util.Map;

/** Tags in key order, {@code Limit} (default 50) at a time, after {@code ExclusiveStartTagKey}. */
final class ListTagsForDeliveryStreamAction implements FirehoseAction {

    @Override
    public List<Member> input() {
        return List.of(FirehoseMembers.deliveryStreamName(), Member.string("ExclusiveStartTagKey").length(1, 128),
                Member.integer("Limit").range(1, 50));
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Firehose firehose) {
        DeliveryStream stream = firehose.require(request.string("DeliveryStreamName"));
        String after = request.string("ExclusiveStartTagKey");
        int limit = request.integer("Limit", 50);
        List<Map.Entry<String, String>> tags = stream.tags().entrySet().stream()
                .filter(e -> after == null || e.getKey().compareTo(after) > 0).toList();
        ObjectNode response = Firehose.object();
        var list = response.putArray("Tags");
        tags.stream().limit(limit).forEach(e -> list.addObject().put("Key", e.getKey()).put("Value", e.getValue()));
        response.put("HasMoreTags", tags.size() > limit);
        return Firehose.done(response);
    }
}
