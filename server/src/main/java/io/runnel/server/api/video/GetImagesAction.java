package io.runnel.server.api.video;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.http.ApiException;
import io.runnel.server.video.FragmentStore;
import io.runnel.server.video.VideoStream;
import io.runnel.video.media.FrameImages;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * GetImages: an image every SamplingInterval from StartTimestamp to EndTimestamp, each of the first frame at or
 * after its time, decoded by FFmpeg; {@code NO_MEDIA} where the stream has no fragment. Pages of MaxResults images;
 * the NextToken is the index of the next time.
 */
final class GetImagesAction implements VideoAction {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GetImagesAction.class);

    private static final long MAX_RANGE_MS = 300_000;
    private static final int MIN_INTERVAL_MS = 200;
    private static final int DEFAULT_INTERVAL_MS = 3_000;

    @Override
    public List<Member> input() {
        return List.of(VideoMembers.streamName(), VideoMembers.streamArn(),
                Member.string("ImageSelectorType").required().oneOf("PRODUCER_TIMESTAMP", "SERVER_TIMESTAMP"),
                Member.timestamp("StartTimestamp").required(), Member.timestamp("EndTimestamp").required(),
                Member.integer("SamplingInterval"),
                Member.string("Format").required().oneOf("JPEG", "PNG"),
                Member.stringMap("FormatConfig").length(1, 1).valueLength(0, 256),
                Member.integer("WidthPixels").range(1, 3840), Member.integer("HeightPixels").range(1, 2160),
                Member.integer("MaxResults").range(1, 100), VideoMembers.archiveNextToken());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Video video) {
        VideoStream stream = video.requireActive(request);
        Video.requireRetention(stream);
        boolean server = request.string("ImageSelectorType").equals("SERVER_TIMESTAMP");
        long start = request.timestampMillis("StartTimestamp");
        long end = request.timestampMillis("EndTimestamp");
        if (end < start || end - start > MAX_RANGE_MS) {
            throw Video.invalidArgument("The EndTimestamp must not be before the StartTimestamp, nor more than 300 seconds after it.");
        }
        int interval = request.integer("SamplingInterval", DEFAULT_INTERVAL_MS);
        if (interval < MIN_INTERVAL_MS) {
            throw Video.invalidArgument("SamplingInterval must be at least " + MIN_INTERVAL_MS + " milliseconds.");
        }
        if (request.has("WidthPixels") != request.has("HeightPixels")) {
            throw ApiException.validation("WidthPixels and HeightPixels must be given together, or neither.");
        }
        FrameImages.Format format = new FrameImages.Format(request.string("Format").equals("JPEG"), quality(request.node("FormatConfig")),
                request.integer("WidthPixels"), request.integer("HeightPixels"));
        int max = request.integer("MaxResults", 25);
        int from = request.has("NextToken") ? page(request.string("NextToken")) : 0;
        List<Long> times = new ArrayList<>();
        for (long t = start + (long) from * interval; t <= end && times.size() < max; t += interval) {
            times.add(t);
        }
        boolean more = start + (long) (from + times.size()) * interval <= end;
        return video.fragments.read(stream, FragmentStore.Position.START).thenCompose(read -> {
            Map<FragmentStore.Stored, List<Long>> byFragment = new LinkedHashMap<>();
            List<FragmentStore.Stored> all = read.fragments();
            for (long t : times) {
                all.stream().filter(f -> Video.time(f, server) <= t && t < Video.time(f, server) + Math.max(1, f.entry().durationMillis()))
                        .findFirst().ifPresent(f -> byFragment.computeIfAbsent(f, k -> new ArrayList<>()).add(t));
            }
            // A fragment FFmpeg cannot decode fails its own images (MEDIA_ERROR), not the request.
            List<CompletableFuture<List<FrameImages.Sample>>> decoded = byFragment.entrySet().stream()
                    .map(e -> video.fragments.bytes(e.getKey()).thenCompose(bytes -> video.fragments.onMedia(() ->
                            FrameImages.sample(bytes, Video.time(e.getKey(), server), e.getValue(), format)))
                            .exceptionally(error -> {
                                LOG.warn("GetImages could not decode fragment {}", e.getKey().fragmentNumber(), error);
                                return e.getValue().stream().map(FrameImages.Sample::undecodable).toList();
                            }))
                    .toList();
            return CompletableFuture.allOf(decoded.toArray(CompletableFuture[]::new)).thenApply(v -> {
                Map<Long, FrameImages.Sample> samples = new java.util.HashMap<>();
                decoded.forEach(d -> d.join().forEach(s -> samples.put(s.wanted(), s)));
                ObjectNode response = Video.object();
                ArrayNode images = response.putArray("Images");
                for (long t : times) {
                    ObjectNode image = images.addObject().put("TimeStamp", Video.seconds(t));
                    FrameImages.Sample s = samples.get(t);
                    if (s != null && s.mediaError()) {
                        image.put("Error", "MEDIA_ERROR");
                    } else if (s == null || s.image() == null) {
                        image.put("Error", "NO_MEDIA");
                    } else {
                        image.put("ImageContent", Base64.getEncoder().encodeToString(s.image()));
                    }
                }
                if (more) {
                    response.put("NextToken", Base64.getEncoder().encodeToString(Integer.toString(from + times.size()).getBytes()));
                }
                return (JsonNode) response;
            });
        });
    }

    private static int quality(JsonNode config) {
        if (config == null || !config.has("JPEGQuality")) {
            return 80;
        }
        try {
            int q = Integer.parseInt(config.get("JPEGQuality").asText());
            if (q >= 1 && q <= 100) {
                return q;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw Video.invalidArgument("FormatConfig JPEGQuality must be a whole number from 1 to 100.");
    }

    private static int page(String token) {
        try {
            int page = Integer.parseInt(new String(Base64.getDecoder().decode(token), java.nio.charset.StandardCharsets.US_ASCII));
            if (page >= 0) {
                return page;
            }
        } catch (IllegalArgumentException e) {
            // refused below
        }
        throw Video.invalidArgument("NextToken is not one GetImages returned.");
    }
}
