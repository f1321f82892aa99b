package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.core.Shard;
import io.runnel.core.ShardId;
import io.runnel.core.StreamMetadata;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.http.ApiException;

import java.util.List;
import java.util.concurrent.CompletableFuture;

final class GetShardIteratorAction implements KinesisAction {

    @Override
    public List<Member> input() {
        return List.of(
                Members.streamName(),
                Members.shardId("ShardId").required(),
                Member.string("ShardIteratorType").required()
                        .oneOf("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER", "TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"),
                Members.sequenceNumber("StartingSequenceNumber"),
                Member.timestamp("Timestamp"),
                Members.streamArn());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Kinesis kinesis) {
        String name = kinesis.streamName(request);
        String shardId = request.string("ShardId");
        String type = request.string("ShardIteratorType");
        String sequenceNumber = request.string("StartingSequenceNumber");
        StartingOffsets.requireComplete(type, sequenceNumber, request.has("Timestamp"));
        int index = ShardId.indexOf(shardId);
        if (index < 0) {
            throw ApiException.resourceNotFound("Could not find shard " + shardId + " in stream " + name + " under account "
                    + kinesis.config.accountId + ".");
        }
        // Kinesis names the shard in its canonical form, and answers the same for a missing stream as for a missing shard.
        StreamMetadata stream = kinesis.readable(name).orElse(null);
        Shard shard = stream == null ? null : stream.shard(index);
        if (shard == null) {
            throw kinesis.shardNotFound(ShardId.of(index), name);
        }
        long now = System.currentTimeMillis();
        CompletableFuture<Long> offset = StartingOffsets.of(kinesis, "GetShardIterator", stream, shard, type, sequenceNumber,
                type.equals("AT_TIMESTAMP") ? request.timestampMillis("Timestamp") : 0, now);
        return offset.thenApply(o -> Kinesis.object().put("ShardIterator", kinesis.iterators.encode(
                new ShardIterators.Position(name, stream.createdAt(), shard.index(), o, now))));
    }
}
