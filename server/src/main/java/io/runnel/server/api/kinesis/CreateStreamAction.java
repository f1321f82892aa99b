package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.core.StreamMetadata.StreamMode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.http.ApiException;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

final class CreateStreamAction implements KinesisAction {

    /** Kinesis gives a new on-demand stream four shards. */
    private static final int ON_DEMAND_SHARDS = 4;

    @Override
    public List<Member> input() {
        return List.of(
                Members.streamName().required(),
                Member.integer("ShardCount").minimum(1),
                Member.structure("StreamModeDetails",
                        Member.string("StreamMode").required().oneOf("PROVISIONED", "ON_DEMAND")),
                Members.tagMap());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Kinesis kinesis) {
        String name = request.string("StreamName");
        JsonNode modeDetails = request.node("StreamModeDetails");
        StreamMode mode = modeDetails == null ? StreamMode.PROVISIONED : StreamMode.valueOf(modeDetails.get("StreamMode").asText());
        Integer requested = request.integer("ShardCount");
        if (mode == StreamMode.PROVISIONED && requested == null) {
            throw ApiException.validation("1 validation error detected: Value null at 'shardCount' failed to satisfy "
                    + "constraint: Member must not be null");
        }
        int shardCount = mode == StreamMode.ON_DEMAND ? ON_DEMAND_SHARDS : requested;
        Map<String, String> tags = new TreeMap<>();
        JsonNode tagNode = request.node("Tags");
        if (tagNode != null) {
            tagNode.fields().forEachRemaining(e -> tags.put(e.getKey(), e.getValue().asText()));
        }
        return kinesis.streams.change(() -> {
            if (kinesis.streams.find(name).isPresent()) {
                throw ApiException.resourceInUse("Stream " + name + " under account " + kinesis.config.accountId + " already exists.");
            }
            kinesis.checkShardLimit(shardCount);
            if (mode == StreamMode.ON_DEMAND) {
                kinesis.checkOnDemandStreamLimit();
            }
            if (tags.size() > AddTagsToStreamAction.MAX_TAGS) {
                throw ApiException.invalidArgument("Failed to create stream " + name + " under account " + kinesis.config.accountId
                        + " because a given stream cannot have more than " + AddTagsToStreamAction.MAX_TAGS + " tags associated with it.");
            }
            kinesis.streams.create(name, mode, shardCount, tags);
            return Kinesis.noBody();
        });
    }
}
