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
import java.util.TreeMap;

final class UntagDeliveryStreamAction implements FirehoseAction {

    @Override
    public List<Member> input() {
        return List.of(FirehoseMembers.deliveryStreamName(),
                Member.list("TagKeys", Member.string("member").length(1, 128)).required().length(1, 50));
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Firehose firehose) {
        String name = request.string("DeliveryStreamName");
        List<String> keys = new java.util.ArrayList<>();
        request.node("TagKeys").forEach(k -> keys.add(k.asText()));
        return firehose.deliveryStreams.change(() -> {
            DeliveryStream stream = firehose.require(name);
            Map<String, String> tags = new TreeMap<>(stream.tags());
            keys.forEach(tags::remove);
            firehose.deliveryStreams.save(stream.withTags(tags));
            return (JsonNode) Firehose.object();
        });
    }
}
