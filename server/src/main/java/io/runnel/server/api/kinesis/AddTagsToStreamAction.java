package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.core.StreamMetadata;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.http.ApiException;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

final class AddTagsToStreamAction implements KinesisAction {

    static final int MAX_TAGS = 50;

    @Override
    public List<Member> input() {
        return List.of(Members.streamName(), Members.tagMap().required(), Members.streamArn());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Kinesis kinesis) {
        String name = kinesis.streamName(request);
        Map<String, String> added = new TreeMap<>();
        request.node("Tags").fields().forEachRemaining(e -> added.put(e.getKey(), e.getValue().asText()));
        return kinesis.streams.change(() -> {
            StreamMetadata stream = kinesis.requireReadable(name);
            Map<String, String> tags = new TreeMap<>(stream.tags());
            tags.putAll(added);
            if (tags.size() > MAX_TAGS) {
                throw ApiException.invalidArgument("Failed to add tags to stream " + name + " under account "
                        + kinesis.config.accountId + " because a given stream cannot have more than " + MAX_TAGS + " tags associated with it.");
            }
            kinesis.streams.save(stream.withTags(tags));
            return Kinesis.object();
        });
    }
}
