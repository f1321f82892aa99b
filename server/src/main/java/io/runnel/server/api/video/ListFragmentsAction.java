package io.runnel.server.api.video;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.video.FragmentStore;
import io.runnel.server.video.VideoStream;
import io.runnel.video.index.FragmentEntry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Fragments in the order they were stored, optionally within a range of producer or server timestamps (both ends
 * included). A NextToken carries the selector and the last fragment returned, so it alone picks up the listing.
 */
final class ListFragmentsAction implements VideoAction {

    @Override
    public List<Member> input() {
        return List.of(VideoMembers.streamName(), VideoMembers.streamArn(), Member.integer("MaxResults").range(1, 1000),
                VideoMembers.archiveNextToken(),
                Member.structure("FragmentSelector",
                        Member.string("FragmentSelectorType").required().oneOf("PRODUCER_TIMESTAMP", "SERVER_TIMESTAMP"),
                        VideoMembers.timestampRange(true).required()));
    }

    /** What a listing asked for, and where its last page ended. */
    private record Listing(String type, long start, long end, String after) {

        String token() {
            String text = type + "|" + start + "|" + end + "|" + after;
            return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
        }

        static Listing of(String token) {
            try {
                String[] parts = new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8).split("\\|", -1);
                return new Listing(parts[0], Long.parseLong(parts[1]), Long.parseLong(parts[2]), parts[3]);
            } catch (RuntimeException e) {
                throw Video.invalidArgument("NextToken is not one ListFragments returned.");
            }
        }

        boolean selects(FragmentEntry f) {
            long t = type.equals("SERVER_TIMESTAMP") ? f.serverTimestamp() : f.producerTimestamp();
            return type.isEmpty() || (t >= start && t <= end);
        }
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Video video) {
        VideoStream stream = video.require(request);
        int max = request.integer("MaxResults", 100);
        Listing listing;
        if (request.has("NextToken")) {
            listing = Listing.of(request.string("NextToken"));
        } else if (request.has("FragmentSelector")) {
            JsonNode selector = request.node("FragmentSelector");
            JsonNode range = selector.get("TimestampRange");
            listing = new Listing(selector.get("FragmentSelectorType").asText(),
                    Request.timestampMillis(range.get("StartTimestamp"), request.format()),
                    Request.timestampMillis(range.get("EndTimestamp"), request.format()), "");
            if (listing.start() > listing.end()) {
                throw Video.invalidArgument("The TimestampRange's StartTimestamp must not be after its EndTimestamp.");
            }
        } else {
            listing = new Listing("", 0, 0, "");
        }
        return video.fragments.read(stream, FragmentStore.Position.START).thenApply(read -> {
            ObjectNode response = Video.object();
            ArrayNode list = response.putArray("Fragments");
            boolean passed = listing.after().isEmpty();
            String last = null;
            for (FragmentStore.Stored s : read.fragments()) {
                if (!passed) {
                    passed = s.fragmentNumber().equals(listing.after());
                    continue;
                }
                if (!listing.selects(s.entry())) {
                    continue;
                }
                if (list.size() == max) {
                    response.put("NextToken", new Listing(listing.type(), listing.start(), listing.end(), last).token());
                    break;
                }
                FragmentEntry e = s.entry();
                list.addObject().put("FragmentNumber", s.fragmentNumber()).put("FragmentSizeInBytes", e.size())
                        .put("ProducerTimestamp", Video.seconds(e.producerTimestamp()))
                        .put("ServerTimestamp", Video.seconds(e.serverTimestamp()))
                        .put("FragmentLengthInMilliseconds", e.durationMillis());
                last = s.fragmentNumber();
            }
            return response;
        });
    }
}
