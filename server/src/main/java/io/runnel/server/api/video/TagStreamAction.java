package io.runnel.server.api.video;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.http.ApiException;
import io.runnel.server.video.VideoStream;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

final class TagStreamAction implements VideoAction {

    @Override
    public List<Member> input() {
        return List.of(VideoMembers.streamArn(), VideoMembers.streamName(), VideoMembers.tags().required());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Video video) {
        Map<String, String> added = Video.tags(request.node("Tags"));
        return video.streams.change(() -> {
            VideoStream stream = video.require(request);
            Map<String, String> tags = new TreeMap<>(stream.tags());
            tags.putAll(added);
            if (tags.size() > Video.MAX_TAGS) {
                throw ApiException.badRequest("TagsPerResourceExceededLimitException",
                        "The stream would have " + tags.size() + " tags; a stream can have at most " + Video.MAX_TAGS + ".");
            }
            video.streams.save(stream.withTags(tags));
            return (JsonNode) Video.object();
        });
    }
}
