package io.runnel.core;

/**
 * One shard of a stream. A shard's records live in the Kafka partition numbered {@link #index()}.
 *
 * @param endOffset null while the shard is open; once closed, the Kafka offset one past its last record
 * @param closedAt  null while open; when closed, the time it closed (epoch millis)
 */
public record Shard(int index, String parentShardId, String adjacentParentShardId, HashKeyRange hashKeyRange,
                    long createdAt, Long endOffset, Long closedAt) {

    public static Shard open(int index, String parent, String adjacentParent, HashKeyRange range, long now) {
        return new Shard(index, parent, adjacentParent, range, now, null, null);
    }

    public String shardId() {
        return ShardId.of(index);
    }

    public boolean open() {
        return endOffset == null;
    }

    public Shard close(long endOffset, long now) {
        return new Shard(index, parentShardId, adjacentParentShardId, hashKeyRange, createdAt, endOffset, now);
    }

    public String startingSequenceNumber() {
        return SequenceNumber.of(index, 0);
    }

    /** The sequence number of the last record a closed shard can hold; null while open. */
    public String endingSequenceNumber() {
        return endOffset == null ? null : SequenceNumber.of(index, Math.max(0, endOffset - 1));
    }
}
