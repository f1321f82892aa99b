package io.runnel.server.api.video;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.video.VideoStream;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Streams in name order; the NextToken is the last name returned, encoded. */
final class ListStreamsAction implements VideoAction {

    @Override
    public List<Member> input() {
        return List.of(Member.integer("MaxResults").range(1, 10_000), VideoMembers.controlNextToken(),
                Member.structure("StreamNameCondition",
                        Member.string("ComparisonOperator").oneOf("BEGINS_WITH"),
                        Member.string("ComparisonValue").length(1, 256).pattern(VideoMembers.NAME_PATTERN)));
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Video video) {
        int max = request.integer("MaxResults", 10_000);
        JsonNode condition = request.node("StreamNameCondition");
        String prefix = condition != null && condition.hasNonNull("ComparisonValue") ? condition.get("ComparisonValue").asText() : "";
        String after = null;
        if (request.has("NextToken")) {
            try {
                after = new String(Base64.getDecoder().decode(request.string("NextToken")), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw Video.invalidArgument("NextToken " + request.string("NextToken") + " is not one ListStreams returned.");
            }
        }
        ObjectNode response = Video.object();
        ArrayNode list = response.putArray("StreamInfoList");
        String last = null;
        boolean more = false;
        for (VideoStream s : video.streams.all()) {
            if (!s.name().startsWith(prefix) || (after != null && s.name().compareTo(after) <= 0)) {
                continue;
            }
            if (list.size() == max) {
                more = true;
                break;
            }
            list.add(Video.streamInfo(s));
            last = s.name();
        }
        if (more) {
            response.put("NextToken", Base64.getEncoder().encodeToString(last.getBytes(StandardCharsets.UTF_8)));
        }
        return Video.done(response);
    }
}
