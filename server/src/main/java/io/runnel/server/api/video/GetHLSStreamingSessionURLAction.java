package io.runnel.server.api.video;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.video.FragmentStore;
import io.runnel.server.video.HlsSession;
import io.runnel.server.video.VideoStream;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** GetHLSStreamingSessionURL: a signed URL of the session's master playlist on this server. */
final class GetHLSStreamingSessionURLAction implements VideoAction {

    private static final long MAX_RANGE_MS = TimeUnit.HOURS.toMillis(24);

    @Override
    public List<Member> input() {
        return List.of(VideoMembers.streamName(), VideoMembers.streamArn(),
                Member.string("PlaybackMode").oneOf("LIVE", "LIVE_REPLAY", "ON_DEMAND"),
                Member.structure("HLSFragmentSelector",
                        Member.string("FragmentSelectorType").oneOf("PRODUCER_TIMESTAMP", "SERVER_TIMESTAMP"),
                        VideoMembers.timestampRange(false)),
                Member.string("ContainerFormat").oneOf("FRAGMENTED_MP4", "MPEG_TS"),
                Member.string("DiscontinuityMode").oneOf("ALWAYS", "NEVER", "ON_DISCONTINUITY"),
                Member.string("DisplayFragmentTimestamp").oneOf("ALWAYS", "NEVER"),
                Member.integer("Expires").range(300, 43_200),
                Member.integer("MaxMediaPlaylistFragmentResults").range(1, 5000));
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Video video) {
        VideoStream stream = video.requireActive(request);
        Video.requireRetention(stream);
        String mode = request.has("PlaybackMode") ? request.string("PlaybackMode") : "LIVE";
        JsonNode selector = request.node("HLSFragmentSelector");
        boolean server = selector == null || !"PRODUCER_TIMESTAMP".equals(selector.path("FragmentSelectorType").asText());
        JsonNode range = selector == null ? null : selector.get("TimestampRange");
        long start = range != null && range.hasNonNull("StartTimestamp") ? Request.timestampMillis(range.get("StartTimestamp"), request.format()) : 0;
        long end = range != null && range.hasNonNull("EndTimestamp") ? Request.timestampMillis(range.get("EndTimestamp"), request.format()) : Long.MAX_VALUE;
        switch (mode) {
            case "LIVE" -> {
                if (range != null) {
                    throw Video.invalidArgument("A LIVE session takes no TimestampRange.");
                }
            }
            case "ON_DEMAND" -> {
                if (range == null || start == 0 || end == Long.MAX_VALUE) {
                    throw Video.invalidArgument("An ON_DEMAND session needs a TimestampRange with a StartTimestamp and an EndTimestamp.");
                }
            }
            default -> {
                if (range == null || start == 0) {
                    throw Video.invalidArgument("A LIVE_REPLAY session needs a TimestampRange with a StartTimestamp.");
                }
            }
        }
        if (end != Long.MAX_VALUE && (end <= start || end - start > MAX_RANGE_MS)) {
            throw Video.invalidArgument("The EndTimestamp must be after the StartTimestamp and within 24 hours of it.");
        }
        String discontinuity = request.has("DiscontinuityMode") ? request.string("DiscontinuityMode") : server ? "ALWAYS" : "NEVER";
        int max = request.integer("MaxMediaPlaylistFragmentResults", mode.equals("ON_DEMAND") ? 1000 : 5);
        long now = System.currentTimeMillis();
        HlsSession session = new HlsSession(stream.name(), stream.creationTime(), mode, server, start, end,
                "MPEG_TS".equals(request.string("ContainerFormat")), discontinuity, "ALWAYS".equals(request.string("DisplayFragmentTimestamp")),
                max, now, now + TimeUnit.SECONDS.toMillis(request.integer("Expires", 300)));
        return video.fragments.read(stream, FragmentStore.Position.START).thenApply(read -> {
            boolean any = mode.equals("LIVE") ? !read.fragments().isEmpty()
                    : !Video.overlapping(read.fragments(), server, start, end).isEmpty() || mode.equals("LIVE_REPLAY");
            if (!any) {
                throw Video.noFragments();
            }
            return (JsonNode) Video.object().put("HLSStreamingSessionURL",
                    video.dataEndpoint + "/hls/v1/getHLSMasterPlaylist.m3u8?SessionToken=" + video.tokens.token(session));
        });
    }
}
