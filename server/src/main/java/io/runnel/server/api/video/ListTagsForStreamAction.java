package io.runnel.server.api.video;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** All of a stream's tags in one page: a stream has at most fifty. */
final class ListTagsForStreamAction implements VideoAction {

    @Override
    public List<Member> input() {
        return List.of(VideoMembers.controlNextToken(), VideoMembers.streamArn(), VideoMembers.streamName());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Video video) {
        ObjectNode response = Video.object();
        ObjectNode tags = response.putObject("Tags");
        video.require(request).tags().forEach(tags::put);
        return Video.done(response);
    }
}
