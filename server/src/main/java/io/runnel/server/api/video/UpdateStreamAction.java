package io.runnel.server.api.video;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.video.VideoStream;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Changes the device name or media type; the stream gets a new version. */
final class UpdateStreamAction implements VideoAction {

    @Override
    public List<Member> input() {
        return List.of(VideoMembers.streamName(), VideoMembers.streamArn(), VideoMembers.currentVersion().required(),
                VideoMembers.deviceName(), VideoMembers.mediaType());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Video video) {
        return video.streams.change(() -> {
            VideoStream stream = video.require(request);
            video.checkVersion(stream, request.string("CurrentVersion"));
            String device = request.has("DeviceName") ? request.string("DeviceName") : stream.deviceName();
            String media = request.has("MediaType") ? request.string("MediaType") : stream.mediaType();
            video.streams.save(stream.updated(Video.newVersion(), device, media));
            return (JsonNode) Video.object();
        });
    }
}
