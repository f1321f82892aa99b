package io.runnel.connectors.source.enumerator;

import org.apache.flink.api.connector.source.SourceEvent;

/** A reader has read a closed shard to its end; the enumerator may now assign the shard's children. */
public record ShardFinishedEvent(int shardIndex) implements SourceEvent {
}
