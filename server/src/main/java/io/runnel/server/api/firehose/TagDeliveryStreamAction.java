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

final class TagDeliveryStreamAction implements FirehoseAction {

    @Override
    public List<Member> input() {
        return List.of(FirehoseMembers.deliveryStreamName(), FirehoseMembers.tags().required());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Firehose firehose) {
        String name = request.string("DeliveryStreamName");
        Map<String, String> added = Firehose.tags(request.node("Tags"));
        return firehose.deliveryStreams.change(() -> {
            DeliveryStream stream = firehose.require(name);
            Map<String, String> tags = new TreeMap<>(stream.tags());
            tags.putAll(added);
            if (tags.size() > Firehose.MAX_TAGS) {
                throw ApiException.limitExceeded("A delivery stream cannot have more than " + Firehose.MAX_TAGS + " tags.");
            }
            firehose.deliveryStreams.save(stream.withTags(tags));
            return (JsonNode) Firehose.object();
        });
    }
}
