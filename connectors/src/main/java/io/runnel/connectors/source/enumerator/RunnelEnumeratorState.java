package io.runnel.connectors.source.enumerator;

import io.runnel.connectors.source.split.RunnelShardSplit;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the enumerator checkpoints: shards read to their end, shards handed to readers (their positions
 * live in the readers' state), splits waiting for a reader, and where the shards that existed when the
 * job started begin and (bounded) end, as {start, stop} by shard index.
 */
public record RunnelEnumeratorState(Set<Integer> finished, Set<Integer> assigned, List<RunnelShardSplit> pending,
                                    Map<Integer, long[]> initialRanges) {
}
