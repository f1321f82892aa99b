package io.runnel.server.api.video;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.video.VideoStream;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Adds to or takes from a stream's retention; fragments past a shortened one go at the sweeper's next pass. */
final class UpdateDataRetentionAction implements VideoAction {

    @Override
    public List<Member> input() {
        return List.of(VideoMembers.streamName(), VideoMembers.streamArn(), VideoMembers.currentVersion().required(),
                Member.string("Operation").required().oneOf("INCREASE_DATA_RETENTION", "DECREASE_DATA_RETENTION"),
                Member.integer("DataRetentionChangeInHours").required().minimum(1));
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Video video) {
        boolean increase = request.string("Operation").equals("INCREASE_DATA_RETENTION");
        long change = request.integer("DataRetentionChangeInHours");
        return video.streams.change(() -> {
            VideoStream stream = video.require(request);
            video.checkVersion(stream, request.string("CurrentVersion"));
            long hours = increase ? stream.dataRetentionInHours() + change : stream.dataRetentionInHours() - change;
            if (hours < 0 || hours > CreateStreamAction.MAX_RETENTION_HOURS) {
                throw Video.invalidArgument("The data retention would be " + hours + " hours; it must be between 0 and "
                        + CreateStreamAction.MAX_RETENTION_HOURS + ".");
            }
            video.streams.setRetention(stream, Video.newVersion(), (int) hours);
            return (JsonNode) Video.object();
        });
    }
}
