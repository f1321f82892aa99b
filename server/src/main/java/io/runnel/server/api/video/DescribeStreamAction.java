package io.runnel.server.api.video;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;

import java.util.List;
import java.util.concurrent.CompletableFuture;

final class DescribeStreamAction implements VideoAction {

    @Override
    public List<Member> input() {
        return List.of(VideoMembers.streamName(), VideoMembers.streamArn());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Video video) {
        return Video.done(Video.object().set("StreamInfo", Video.streamInfo(video.require(request))));
    }
}
