package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.core.StreamMetadata;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;

import java.util.List;
import java.util.concurrent.CompletableFuture;

final class ListStreamsAction implements KinesisAction {

    private static final int MAX_STREAMS = 100;

    @Override
    public List<Member> input() {
        return List.of(Member.integer("Limit").range(1, 10000),
                Member.string("ExclusiveStartStreamName").length(1, 128).pattern(Members.NAME_PATTERN),
                Members.nextToken());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Kinesis kinesis) {
        int limit = Math.min(request.integer("Limit", MAX_STREAMS), MAX_STREAMS);
        String after = request.string("ExclusiveStartStreamName");
        String token = request.string("NextToken");
        if (token != null) {
            after = Kinesis.nameAfter(token);
        }
        String start = after;
        List<StreamMetadata> streams = kinesis.streams.all().stream()
                .filter(s -> start == null || s.name().compareTo(start) > 0).toList();
        List<StreamMetadata> page = streams.stream().limit(limit).toList();
        ObjectNode response = Kinesis.object();
        ArrayNode names = response.putArray("StreamNames");
        ArrayNode summaries = response.arrayNode();
        for (StreamMetadata s : page) {
            names.add(s.name());
            ObjectNode summary = summaries.addObject().put("StreamName", s.name()).put("StreamARN", kinesis.arn(s))
                    .put("StreamStatus", s.status().name());
            summary.set("StreamModeDetails", Kinesis.modeNode(s));
            summary.set("StreamCreationTimestamp", Kinesis.timestamp(s.createdAt()));
        }
        boolean more = streams.size() > page.size();
        response.put("HasMoreStreams", more);
        if (more) {
            response.put("NextToken", Kinesis.nameToken(page.get(page.size() - 1).name()));
        }
        response.set("StreamSummaries", summaries);
        return Kinesis.done(response);
    }
}
