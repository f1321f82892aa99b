package io.runnel.connectors.source.enumerator;

import org.apache.flink.api.connector.source.SourceEvent;

/** A shard being read was closed by resharding: its reader stops at {@code endOffset}. */
public record ShardClosedEvent(int shardIndex, long endOffset) implements SourceEvent {
}
