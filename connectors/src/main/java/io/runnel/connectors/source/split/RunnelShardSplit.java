package io.runnel.connectors.source.split;

import io.runnel.core.ShardId;
import org.apache.flink.api.connector.source.SourceSplit;

import java.util.Objects;

/**
 * One shard of a stream, to be read from {@code startingOffset} up to {@code stoppingOffset} (exclusive;
 * null while the shard is open and the source unbounded). The shard's records are partition
 * {@code shardIndex} of {@code topic}; the shard's creation time is part of its records' sequence numbers
 * (0 in a split restored from a checkpoint taken before splits carried it).
 */
public final class RunnelShardSplit implements SourceSplit {

    private final String topic;
    private final int shardIndex;
    private final long startingOffset;
    private final Long stoppingOffset;
    private final long shardCreatedAt;

    public RunnelShardSplit(String topic, int shardIndex, long shardCreatedAt, long startingOffset, Long stoppingOffset) {
        this.topic = topic;
        this.shardIndex = shardIndex;
        this.shardCreatedAt = shardCreatedAt;
        this.startingOffset = startingOffset;
        this.stoppingOffset = stoppingOffset;
    }

    @Override
    public String splitId() {
        return ShardId.of(shardIndex);
    }

    public String topic() {
        return topic;
    }

    public int shardIndex() {
        return shardIndex;
    }

    public long shardCreatedAt() {
        return shardCreatedAt;
    }

    public long startingOffset() {
        return startingOffset;
    }

    public Long stoppingOffset() {
        return stoppingOffset;
    }

    public RunnelShardSplit withStartingOffset(long offset) {
        return new RunnelShardSplit(topic, shardIndex, shardCreatedAt, offset, stoppingOffset);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RunnelShardSplit s && s.topic.equals(topic) && s.shardIndex == shardIndex && s.shardCreatedAt == shardCreatedAt
                && s.startingOffset == startingOffset && Objects.equals(s.stoppingOffset, stoppingOffset);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, shardIndex, shardCreatedAt, startingOffset, stoppingOffset);
    }

    @Override
    public String toString() {
        return splitId() + "[" + startingOffset + ", " + (stoppingOffset == null ? "open" : stoppingOffset) + ")";
    }
}
