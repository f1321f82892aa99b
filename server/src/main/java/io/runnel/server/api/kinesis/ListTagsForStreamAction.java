package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.core.StreamMetadata;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

final class ListTagsForStreamAction implements KinesisAction {

    private static final int DEFAULT_LIMIT = 10;

    @Override
    public List<Member> input() {
        return List.of(Members.streamName(), Member.string("ExclusiveStartTagKey").length(1, 128),
                Member.integer("Limit").range(1, 50), Members.streamArn());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Kinesis kinesis) {
        StreamMetadata stream = kinesis.require(kinesis.streamName(request));
        String after = request.string("ExclusiveStartTagKey");
        int limit = request.integer("Limit", DEFAULT_LIMIT);
        List<Map.Entry<String, String>> tags = stream.tags().entrySet().stream()
                .filter(e -> after == null || e.getKey().compareTo(after) > 0).toList();
        ObjectNode response = Kinesis.object();
        ArrayNode list = response.putArray("Tags");
        tags.stream().limit(limit).forEach(e -> list.addObject().put("Key", e.getKey()).put("Value", e.getValue()));
        response.put("HasMoreTags", tags.size() > limit);
        return Kinesis.done(response);
    }
}
