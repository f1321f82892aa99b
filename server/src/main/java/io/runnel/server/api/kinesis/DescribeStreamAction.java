package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.core.Shard;
import io.runnel.core.StreamMetadata;
import io.runnel.core.StreamStatus;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;

import java.util.List;
import java.util.concurrent.CompletableFuture;

final class DescribeStreamAction implements KinesisAction {

    private static final int MAX_SHARDS = 100;

    @Override
    public List<Member> input() {
        return List.of(Members.streamName(), Member.integer("Limit").range(1, 10000),
                Members.shardId("ExclusiveStartShardId"), Members.streamArn());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Kinesis kinesis) {
        StreamMetadata stream = kinesis.require(kinesis.streamName(request));
        int limit = Math.min(request.integer("Limit", MAX_SHARDS), MAX_SHARDS);
        String after = request.string("ExclusiveStartShardId");
        List<Shard> shards = stream.status() == StreamStatus.CREATING ? List.of() : stream.shards().stream()
                .filter(s -> after == null || s.shardId().compareTo(after) > 0)
                .toList();
        ObjectNode d = Kinesis.object()
                .put("StreamName", stream.name())
                .put("StreamARN", kinesis.arn(stream))
                .put("StreamStatus", stream.status().name());
        d.set("StreamModeDetails", Kinesis.modeNode(stream));
        ArrayNode list = d.putArray("Shards");
        shards.stream().limit(limit).forEach(s -> list.add(Kinesis.shardNode(s)));
        d.put("HasMoreShards", shards.size() > limit);
        d.put("RetentionPeriodHours", stream.retentionHours());
        d.set("StreamCreationTimestamp", Kinesis.timestamp(stream.createdAt()));
        d.set("EnhancedMonitoring", Kinesis.enhancedMonitoringNode(stream));
        d.put("EncryptionType", "NONE");
        ObjectNode response = Kinesis.object();
        response.set("StreamDescription", d);
        return Kinesis.done(response);
    }
}
