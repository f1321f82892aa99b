package io.runnel.server.api.video;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.video.FragmentStore;
import io.runnel.server.video.VideoStream;
import io.runnel.video.media.Remuxer;
import io.vertx.core.http.HttpServerResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** GetClip: the fragments of a time range repackaged, not re-encoded, into one MP4 file. */
final class GetClipAction implements VideoMediaAction {

    /** As Kinesis Video Streams: a clip holds at most 200 fragments and 100 MB of them. */
    private static final int MAX_FRAGMENTS = 200;
    private static final long MAX_BYTES = 100L * 1024 * 1024;
    private static final long MAX_RANGE_MS = TimeUnit.HOURS.toMillis(24);

    @Override
    public List<Member> input() {
        return List.of(VideoMembers.streamName(), VideoMembers.streamArn(),
                Member.structure("ClipFragmentSelector",
                        Member.string("FragmentSelectorType").required().oneOf("PRODUCER_TIMESTAMP", "SERVER_TIMESTAMP"),
                        VideoMembers.timestampRange(true).required()).required());
    }

    @Override
    public CompletableFuture<Void> handle(Request request, HttpServerResponse response, Video video) {
        VideoStream stream = video.requireActive(request);
        Video.requireRetention(stream);
        JsonNode selector = request.node("ClipFragmentSelector");
        boolean server = selector.get("FragmentSelectorType").asText().equals("SERVER_TIMESTAMP");
        JsonNode range = selector.get("TimestampRange");
        long start = Request.timestampMillis(range.get("StartTimestamp"), request.format());
        long end = Request.timestampMillis(range.get("EndTimestamp"), request.format());
        if (end <= start || end - start > MAX_RANGE_MS) {
            throw Video.invalidArgument("The EndTimestamp must be after the StartTimestamp and within 24 hours of it.");
        }
        var context = io.vertx.core.Vertx.currentContext();
        return video.fragments.read(stream, FragmentStore.Position.START).thenCompose(read -> {
            List<FragmentStore.Stored> chosen = Video.overlapping(read.fragments(), server, start, end);
            if (chosen.isEmpty()) {
                throw Video.noFragments();
            }
            List<FragmentStore.Stored> clip = limit(chosen);
            return video.fragments.bytes(clip);
        }).thenCompose(fragments -> video.fragments.onMedia(() -> {
            Path file = null;
            try {
                file = Files.createTempFile("runnel-clip", ".mp4");
                Remuxer.mp4(fragments, file);
                return file;
            } catch (IOException | RuntimeException e) {
                delete(file);
                throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
            }
        })).thenAccept(file -> context.runOnContext(v -> {
            response.putHeader("Content-Type", "video/mp4");
            response.sendFile(file.toString()).onComplete(done -> video.fragments.onMedia(() -> delete(file)));
        }));
    }

    private static Void delete(Path file) {
        try {
            if (file != null) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            org.slf4j.LoggerFactory.getLogger(GetClipAction.class).warn("could not delete the clip file {}", file, e);
        }
        return null;
    }

    private static List<FragmentStore.Stored> limit(List<FragmentStore.Stored> chosen) {
        long bytes = 0;
        int n = 0;
        for (FragmentStore.Stored f : chosen) {
            if (n == MAX_FRAGMENTS || bytes + f.entry().size() > MAX_BYTES) {
                break;
            }
            bytes += f.entry().size();
            n++;
        }
        return chosen.subList(0, Math.max(1, n));
    }
}
