package io.runnel.connectors.source.split;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;

/** A split being read: where the next record starts, and what has been read of it. */
public final class RunnelShardSplitState {

    private final RunnelShardSplit split;
    private final Counter records;
    private final Counter bytes;
    private long nextOffset;
    private volatile long lastArrival;

    public RunnelShardSplitState(RunnelShardSplit split) {
        this(split, new SimpleCounter(), new SimpleCounter());
    }

    public RunnelShardSplitState(RunnelShardSplit split, Counter records, Counter bytes) {
        this.split = split;
        this.records = records;
        this.bytes = bytes;
        this.nextOffset = split.startingOffset();
    }

    public void recordEmitted(long offset, long arrivalTime, int size) {
        nextOffset = offset + 1;
        lastArrival = arrivalTime;
        records.inc();
        bytes.inc(size);
    }

    public long shardCreatedAt() {
        return split.shardCreatedAt();
    }

    /** The arrival time of the last record read, or 0 before the first. */
    public long lastArrival() {
        return lastArrival;
    }

    /** The split to checkpoint: the same shard, resuming after the last record emitted. */
    public RunnelShardSplit toSplit() {
        return split.withStartingOffset(nextOffset);
    }
}
