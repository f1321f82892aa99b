package io.runnel.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;


/**
 * Everything Runnel knows about one stream; the value stored under the stream's name in the metadata topic.
 *
 * @param statusSince when the stream entered its current status (epoch millis)
 * @param createdAt   the stream's creation time; it also tells apart two streams of the same name
 * @param topic       the Kafka topic holding the stream's records, one partition per shard
 * @param table       the stream as a Flink SQL table (schema, format and options, in Flink's catalog
 *                    properties form) when someone created it as a table; empty otherwise
 * @param shardLevelMetrics the shard-level metrics enhanced monitoring is enabled for; empty in streams stored before
 *                    Runnel kept them
 */
public record StreamMetadata(String name, StreamStatus status, long statusSince, long createdAt, int retentionHours,
                             StreamMode mode, List<Shard> shards, Map<String, String> tags, String topic,
                             Map<String, String> table, List<String> shardLevelMetrics) {

    public enum StreamMode { PROVISIONED, ON_DEMAND }

    public StreamMetadata {
        shards = List.copyOf(shards);
        tags = new TreeMap<>(tags);
        table = table == null ? Map.of() : new TreeMap<>(table);
        shardLevelMetrics = shardLevelMetrics == null ? List.of() : List.copyOf(shardLevelMetrics);
    }

    public StreamMetadata withStatus(StreamStatus newStatus, long now) {
        return new StreamMetadata(name, newStatus, now, createdAt, retentionHours, mode, shards, tags, topic, table,
                shardLevelMetrics);
    }

    public StreamMetadata withShards(List<Shard> newShards) {
        return new StreamMetadata(name, status, statusSince, createdAt, retentionHours, mode, newShards, tags, topic,
                table, shardLevelMetrics);
    }

    public StreamMetadata withRetentionHours(int hours) {
        return new StreamMetadata(name, status, statusSince, createdAt, hours, mode, shards, tags, topic, table,
                shardLevelMetrics);
    }

    public StreamMetadata withTags(Map<String, String> newTags) {
        return new StreamMetadata(name, status, statusSince, createdAt, retentionHours, mode, shards, newTags, topic,
                table, shardLevelMetrics);
    }

    public StreamMetadata withMode(StreamMode newMode) {
        return new StreamMetadata(name, status, statusSince, createdAt, retentionHours, newMode, shards, tags, topic,
                table,
                shardLevelMetrics);
    }

    public StreamMetadata withShardLevelMetrics(List<String> metrics) {
        return new StreamMetadata(name, status, statusSince, createdAt, retentionHours, mode, shards, tags, topic,
                table, metrics);
    }

    public StreamMetadata withTable(Map<String, String> newTable) {
        return new StreamMetadata(name, status, statusSince, createdAt, retentionHours, mode, shards, tags, topic,
                newTable, shardLevelMetrics);
    }

    public List<Shard> openShards() {
        List<Shard> open = new ArrayList<>();
        for (Shard s : shards) {
            if (s.open()) {
                open.add(s);
            }
        }
        return open;
    }

    /** The shard with this index, or null. Shard indexes are positions in {@link #shards()}. */
    public Shard shard(int index) {
        return index >= 0 && index < shards.size() ? shards.get(index) : null;
    }

    public Shard shard(String shardId) {
        return shard(ShardId.indexOf(shardId));
    }

    /** The shards whose parent or adjacent parent is the given shard. */
    public List<Shard> childrenOf(String shardId) {
        List<Shard> children = new ArrayList<>();
        for (Shard s : shards) {
            if (shardId.equals(s.parentShardId()) || shardId.equals(s.adjacentParentShardId())) {
                children.add(s);
            }
        }
        return children;
    }
}
