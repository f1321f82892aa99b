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
        return remove(kinesis, kinesis.streamName(request), request.node("TagKeys"));
    }

    /** Removes the keys of a request's {@code TagKeys} member from the named stream's tags; keys it lacks are no error. */
    static CompletableFuture<JsonNode> remove(Kinesis kinesis, String name, JsonNode tagKeys) {
        List<String> keys = new ArrayList<>();
        tagKeys.forEach(k -> keys.add(k.asText()));
        return kinesis.streams.change(() -> {
            StreamMetadata stream = kinesis.requireReadable(name);
            Map<String, String> tags = new TreeMap<>(stream.tags());
            keys.forEach(tags::remove);
            kinesis.streams.save(stream.withTags(tags));
            return Kinesis.noBody();
        });
    }
}
