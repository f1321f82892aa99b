package io.runnel.server.api.kinesis;

import io.runnel.core.SequenceNumber;
import io.runnel.core.Shard;
import io.runnel.core.ShardId;
import io.runnel.core.StreamMetadata;
import io.runnel.server.http.ApiException;

import java.util.concurrent.CompletableFuture;

/**
 * Where a read of a shard starts: an iterator type of GetShardIterator, or the StartingPosition of SubscribeToShard,
 * refused with the same messages in both.
 */
final class StartingOffsets {

    private StartingOffsets() {
    }

    /** Refuses a type without what it needs (a sequence number, a timestamp), or with a sequence number it cannot use. */
    static void requireComplete(String type, String sequenceNumber, boolean hasTimestamp) {
        boolean bySequence = type.endsWith("SEQUENCE_NUMBER");
        if (bySequence != (sequenceNumber != null)) {
            throw ApiException.invalidArgument("Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and "
                    + "StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified "
                    + type + (bySequence ? " and no StartingSequenceNumber." : " and also a StartingSequenceNumber."));
        }
        if (type.equals("AT_TIMESTAMP") && !hasTimestamp) {
            throw ApiException.invalidArgument("Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. "
                    + "Current request has no timestamp parameter.");
        }
    }

    /**
     * The offset in the shard's partition where the read starts.
     *
     * @param operation the operation asking, as Kinesis names it in an invalid sequence number's message
     */
    static CompletableFuture<Long> of(Kinesis kinesis, String operation, StreamMetadata stream, Shard shard, String type,
                                      String sequenceNumber, long timestampMillis, long now) {
        return switch (type) {
            case "TRIM_HORIZON" -> CompletableFuture.completedFuture(0L);
            case "LATEST" -> !shard.ended()
                    ? kinesis.reader.latestOffset(stream.topic(), shard.index())
                    : CompletableFuture.completedFuture(shard.endOffset());
            case "AT_TIMESTAMP" -> {
                Kinesis.requireNotInTheFuture(timestampMillis, now);
                yield kinesis.reader.offsetForTime(stream.topic(), shard.index(), timestampMillis);
            }
            default -> {
                SequenceNumber.Position p = SequenceNumber.decode(sequenceNumber);
                String invalid = "StartingSequenceNumber " + sequenceNumber + " used in " + operation + " on shard " + shard.shardId()
                        + " in stream " + stream.name() + " under account " + kinesis.config.accountId + " is invalid";
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
    }
}
