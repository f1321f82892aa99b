package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.core.StreamMetadata;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.streams.StreamConsumers;

import java.util.List;
import java.util.concurrent.CompletableFuture;

final class ListStreamConsumersAction implements KinesisAction {

    /** The most consumers one page lists. */
    private static final int PAGE_SIZE = 100;

    @Override
    public List<Member> input() {
        return List.of(Members.streamArn().required(), Members.nextToken(), Member.integer("MaxResults").range(1, 10000),
                Member.timestamp("StreamCreationTimestamp"));
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Kinesis kinesis) {
        StreamMetadata stream = kinesis.require(kinesis.streamName(request));
        if (request.has("StreamCreationTimestamp") && request.timestampMillis("StreamCreationTimestamp") / 1000 != stream.createdAt() / 1000) {
            throw kinesis.streamNotFound(stream.name());
        }
        int limit = Math.min(request.integer("MaxResults", PAGE_SIZE), PAGE_SIZE);
        String after = request.has("NextToken") ? Kinesis.nameAfter(request.string("NextToken")) : null;
        // In name order, so that a page resumes after its last name even if that consumer has gone since.
        List<StreamConsumers.Consumer> all = kinesis.consumers.of(stream).stream()
                .filter(c -> after == null || c.name().compareTo(after) > 0)
                .sorted(java.util.Comparator.comparing(StreamConsumers.Consumer::name)).toList();
        List<StreamConsumers.Consumer> page = all.subList(0, Math.min(all.size(), limit));
        ObjectNode response = Kinesis.object();
        ArrayNode consumers = response.putArray("Consumers");
        page.forEach(c -> consumers.add(kinesis.consumerNode(c)));
        if (page.size() < all.size()) {
            response.put("NextToken", Kinesis.nameToken(page.get(page.size() - 1).name()));
        }
        return Kinesis.done(response);
    }
}
