package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.core.Shard;
import io.runnel.core.StreamMetadata;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.http.ApiException;
import io.runnel.server.streams.StreamConsumers;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Pushes a shard's records to a registered consumer for five minutes, as an event stream on the response
 * (see {@link Subscriptions}). Everything that can be refused is refused before the response begins, as an
 * ordinary error.
 */
final class SubscribeToShardAction implements KinesisAction {

    @Override
    public List<Member> input() {
        return List.of(Members.consumerArn().required(), Members.shardId("ShardId").required(),
                Member.structure("StartingPosition",
                        Member.string("Type").required().oneOf("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER", "TRIM_HORIZON",
                                "LATEST", "AT_TIMESTAMP"),
                        Members.sequenceNumber("SequenceNumber"),
                        Member.timestamp("Timestamp")).required());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Kinesis kinesis) {
        Kinesis.Consumer found = kinesis.consumer(request);
        StreamConsumers.Consumer consumer = found.consumer();
        String arn = kinesis.consumers.arn(consumer);
        if (kinesis.consumers.status(consumer, System.currentTimeMillis()).orElse(null) != StreamConsumers.Status.ACTIVE) {
            throw ApiException.resourceInUse("Consumer " + arn + " is not in ACTIVE state.");
        }
        StreamMetadata stream = kinesis.readable(found.stream().name()).orElseThrow(() -> kinesis.streamNotFound(found.stream().name()));
        String shardId = request.string("ShardId");
        Shard shard = stream.shard(shardId);
        if (shard == null) {
            throw kinesis.shardNotFound(shardId, stream.name());
        }
        io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
        return startingOffset(request, kinesis, stream, shard).thenApply(offset -> {
            kinesis.subscriptions.subscribe(arn, stream, shard, offset, request, context);
            return Request.ANSWERED;
        });
    }

    private static CompletableFuture<Long> startingOffset(Request request, Kinesis kinesis, StreamMetadata stream, Shard shard) {
        JsonNode position = request.node("StartingPosition");
        String type = position.get("Type").asText();
        JsonNode sequenceNumber = position.get("SequenceNumber");
        JsonNode timestamp = position.get("Timestamp");
        boolean hasTimestamp = timestamp != null && !timestamp.isNull();
        String sequence = sequenceNumber == null || sequenceNumber.isNull() ? null : sequenceNumber.asText();
        StartingOffsets.requireComplete(type, sequence, hasTimestamp);
        return StartingOffsets.of(kinesis, "SubscribeToShard", stream, shard, type, sequence,
                hasTimestamp ? Request.timestampMillis(timestamp, request.format()) : 0, System.currentTimeMillis());
    }
}
