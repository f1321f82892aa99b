package io.runnel.connectors.source.split;

/** A split being read: where the next record starts. */
public final class RunnelShardSplitState {

    private final RunnelShardSplit split;
    private long nextOffset;

    public RunnelShardSplitState(RunnelShardSplit split) {
        this.split = split;
        this.nextOffset = split.startingOffset();
    }

    public void recordEmitted(long offset) {
        nextOffset = offset + 1;
    }

    /** The split to checkpoint: the same shard, resuming after the last record emitted. */
    public RunnelShardSplit toSplit() {
        return split.withStartingOffset(nextOffset);
    }
}
