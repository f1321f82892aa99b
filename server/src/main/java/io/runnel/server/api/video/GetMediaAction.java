package io.runnel.server.api.video;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.http.ApiException;
import io.runnel.server.video.FragmentStore;
import io.runnel.server.video.GetMediaSession;
import io.runnel.server.video.MediaWriter;
import io.runnel.server.video.VideoStream;
import io.vertx.core.http.HttpServerResponse;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * GetMedia: fragments from where the StartSelector points (FRAGMENT_NUMBER starts at that fragment,
 * CONTINUATION_TOKEN after it, a timestamp at the fragment that holds it), then live ones as they come.
 */
final class GetMediaAction implements VideoMediaAction {

    @Override
    public List<Member> input() {
        return List.of(VideoMembers.streamName(), Member.string("StreamARN").length(1, 1024).pattern(VideoMembers.ARN_PATTERN),
                Member.structure("StartSelector",
                        Member.string("StartSelectorType").required().oneOf("FRAGMENT_NUMBER", "SERVER_TIMESTAMP", "PRODUCER_TIMESTAMP",
                                "NOW", "EARLIEST", "CONTINUATION_TOKEN"),
                        VideoMembers.fragmentNumber("AfterFragmentNumber"),
                        Member.timestamp("StartTimestamp"),
                        Member.string("ContinuationToken").length(1, 128).pattern("^[a-zA-Z0-9_\\.\\-]+$")).required());
    }

    @Override
    public CompletableFuture<Void> handle(Request request, HttpServerResponse response, Video video) {
        VideoStream stream = video.requireActive(request);
        JsonNode selector = request.node("StartSelector");
        String type = selector.get("StartSelectorType").asText();
        String number = switch (type) {
            case "FRAGMENT_NUMBER" -> required(selector, "AfterFragmentNumber", type);
            case "CONTINUATION_TOKEN" -> required(selector, "ContinuationToken", type);
            default -> null;
        };
        long time = 0;
        if (type.endsWith("_TIMESTAMP")) {
            required(selector, "StartTimestamp", type);
            time = Request.timestampMillis(selector.get("StartTimestamp"), request.format());
        }
        long startTime = time;
        MediaWriter writer = new MediaWriter(response, video.fragments);
        return video.fragments.read(stream, FragmentStore.Position.START).thenAccept(read -> {
            List<FragmentStore.Stored> all = read.fragments();
            int first = switch (type) {
                case "EARLIEST" -> 0;
                case "NOW" -> all.size();
                case "FRAGMENT_NUMBER" -> indexOf(all, number);
                case "CONTINUATION_TOKEN" -> indexOf(all, number) + 1;
                default -> holding(all, startTime, type.equals("SERVER_TIMESTAMP"));
            };
            writer.context().runOnContext(v -> GetMediaSession.start(stream, video.fragments, writer,
                    all.subList(first, all.size()), read.position()));
        });
    }

    private static String required(JsonNode selector, String member, String type) {
        if (!selector.hasNonNull(member)) {
            throw Video.invalidArgument("StartSelector." + member + " is required when StartSelectorType is " + type + ".");
        }
        return selector.get(member).asText();
    }

    private static int indexOf(List<FragmentStore.Stored> all, String fragmentNumber) {
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).fragmentNumber().equals(fragmentNumber)) {
                return i;
            }
        }
        throw new ApiException("ResourceNotFoundException", 404, "No fragment " + fragmentNumber + " in the stream.");
    }

    /** The first fragment that holds the time or begins after it. */
    private static int holding(List<FragmentStore.Stored> all, long time, boolean server) {
        for (int i = 0; i < all.size(); i++) {
            var e = all.get(i).entry();
            long start = server ? e.serverTimestamp() : e.producerTimestamp();
            if (start + e.durationMillis() > time) {
                return i;
            }
        }
        return all.size();
    }
}
