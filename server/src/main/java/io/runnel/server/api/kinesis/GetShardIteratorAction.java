package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.core.SequenceNumber;
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
        boolean bySequence = type.endsWith("SEQUENCE_NUMBER");
        if (bySequence != (sequenceNumber != null)) {
            throw ApiException.invalidArgument("Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and "
                    + "StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified "
                    + type + (bySequence ? " and no StartingSequenceNumber." : " and also a StartingSequenceNumber."));
        }
        if (type.equals("AT_TIMESTAMP") && !request.has("Timestamp")) {
            throw ApiException.invalidArgument("Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. "
                    + "Current request has no timestamp parameter.");
        }
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
        CompletableFuture<Long> offset = switch (type) {
            case "TRIM_HORIZON" -> CompletableFuture.completedFuture(0L);
            case "LATEST" -> !shard.ended()
                    ? kinesis.reader.latestOffset(stream.topic(), shard.index())
                    : CompletableFuture.completedFuture(shard.endOffset());
            case "AT_TIMESTAMP" -> {
                long at = request.timestampMillis("Timestamp");
                Kinesis.requireNotInTheFuture(at, now);
                yield kinesis.reader.offsetForTime(stream.topic(), shard.index(), at);
            }
            default -> {
                SequenceNumber.Position p = SequenceNumber.decode(sequenceNumber);
                String invalid = "StartingSequenceNumber " + sequenceNumber + " used in GetShardIterator on shard " + shard.shardId()
                        + " in stream " + name + " under account " + kinesis.config.accountId + " is invalid";
                if (p == null) {
                    throw ApiException.invalidArgument(invalid + ".");
                }
                if (p.shardIndex() != shard.index()) {
                    throw ApiException.invalidArgument("Invalid StartingSequenceNumber. It encodes " + ShardId.of(p.shardIndex())
                            + ", while it was used in a call to a shard with " + shard.shardId());
                }
                if (!p.of(shard)) {
                    throw ApiException.invalidArgument(invalid + " because it did not come from this stream.");
                }
                yield CompletableFuture.completedFuture(type.startsWith("AT_") ? p.atOffset() : p.afterOffset());
            }
        };
        return offset.thenApply(o -> Kinesis.object().put("ShardIterator", kinesis.iterators.encode(
                new ShardIterators.Position(name, stream.createdAt(), shard.index(), o, now))));
    }
}
