package io.runnel.core;

/**
 * One shard of a stream. A shard's records live in the Kafka partition numbered {@link #index()}.
 *
 * <p>A shard closes in two steps. First writers stop: the shard is <em>closing</em> ({@code closedAt} set),
 * and every writer that sees this routes to the shard's children. Then, once writers elsewhere (other
 * servers, Flink sinks writing to Kafka directly) have had time to see it too, the shard <em>ends</em>: its
 * end offset is recorded and readers know where it stops.
 *
 * @param endOffset null until the shard ends; then the Kafka offset one past its last record
 * @param closedAt  null while open; once closing, the time it stopped taking records (epoch millis)
 */
public record Shard(int index, String parentShardId, String adjacentParentShardId, HashKeyRange hashKeyRange,
                    long createdAt, Long endOffset, Long closedAt) {

    public static Shard open(int index, String parent, String adjacentParent, HashKeyRange range, long now) {
        return new Shard(index, parent, adjacentParent, range, now, null, null);
    }

    public String shardId() {
        return ShardId.of(index);
    }

    /** True while the shard takes new records. */
    public boolean open() {
        return closedAt == null;
    }

    /** True once the shard's last offset is known; readers stop there. */
    public boolean ended() {
        return endOffset != null;
    }

    /** True between the two steps of closing: no new records are routed here, but its end is not yet recorded. */
    public boolean closing() {
        return closedAt != null && endOffset == null;
    }

    /** The first step of closing: writers stop routing records here. */
    public Shard stopWrites(long now) {
        return new Shard(index, parentShardId, adjacentParentShardId, hashKeyRange, createdAt, null, now);
    }

    /** The second step of closing: the shard's records end before {@code endOffset}. */
    public Shard end(long endOffset) {
        return new Shard(index, parentShardId, adjacentParentShardId, hashKeyRange, createdAt, endOffset, closedAt);
    }

    /** Both steps at once, for a shard no writer ever saw open. */
    public Shard close(long endOffset, long now) {
        return new Shard(index, parentShardId, adjacentParentShardId, hashKeyRange, createdAt, endOffset, now);
    }

    /** Comes before every record of the shard: AT and AFTER this sequence number both start at its first record. */
    public String startingSequenceNumber() {
        return SequenceNumber.of(createdAt, index, 0, createdAt);
    }

    /** The sequence number of the shard's record at {@code offset}, which arrived at {@code arrivalMillis}. */
    public String sequenceNumber(long offset, long arrivalMillis) {
        return SequenceNumber.ofRecord(createdAt, index, offset, arrivalMillis);
    }

    /**
     * Comes after every record of an ended shard, at or after its last; null until it ends. AFTER it is the
     * shard's end.
     */
    public String endingSequenceNumber() {
        return endOffset == null ? null : SequenceNumber.of(createdAt, index, endOffset, Long.MAX_VALUE);
    }
}
