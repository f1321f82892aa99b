package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.core.StreamMetadata;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

final class RemoveTagsFromStreamAction implements KinesisAction {

    @Override
    public List<Member> input() {
        return List.of(Members.streamName(),
                Member.list("TagKeys", Member.string("member").length(1, 128)).length(1, 50).required(),
                Members.streamArn());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Kinesis kinesis) {
        String name = kinesis.streamName(request);
        List<String> keys = new ArrayList<>();
        request.node("TagKeys").forEach(k -> keys.add(k.asText()));
        return kinesis.streams.change(() -> {
            StreamMetadata stream = kinesis.requireReadable(name);
            Map<String, String> tags = new TreeMap<>(stream.tags());
            keys.forEach(tags::remove);
            kinesis.streams.save(stream.withTags(tags));
            return Kinesis.noBody();
        });
    }
}
