package io.runnel.server.api.video;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.video.VideoStream;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/** Removes tags by key; keys the stream does not have are ignored. */
final class UntagStreamAction implements VideoAction {

    @Override
    public List<Member> input() {
        return List.of(VideoMembers.streamArn(), VideoMembers.streamName(),
                Member.list("TagKeyList", Member.string("member").length(1, 128)).required().length(1, 50));
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Video video) {
        List<String> keys = new java.util.ArrayList<>();
        request.node("TagKeyList").forEach(k -> keys.add(k.asText()));
        return video.streams.change(() -> {
            VideoStream stream = video.require(request);
            Map<String, String> tags = new TreeMap<>(stream.tags());
            keys.forEach(tags::remove);
            video.streams.save(stream.withTags(tags));
            return (JsonNode) Video.object();
        });
    }
}
