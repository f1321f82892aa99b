package io.runnel.server.api.video;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.video.VideoStream;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Deletes at once: the stream's media is no longer served, and the sweeper deletes its fragments. */
final class DeleteStreamAction implements VideoAction {

    @Override
    public List<Member> input() {
        return List.of(VideoMembers.streamArn().required(), VideoMembers.currentVersion());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Video video) {
        String arn = request.string("StreamARN");
        String version = request.string("CurrentVersion");
        return video.streams.change(() -> {
            VideoStream stream = video.require(null, arn);
            video.checkVersion(stream, version);
            video.streams.delete(stream);
            return (JsonNode) Video.object();
        });
    }
}
