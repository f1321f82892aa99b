package io.runnel.connectors.sink;

import io.runnel.core.MetadataLog;
import io.runnel.core.Shard;
import io.runnel.core.StreamMetadata;
import io.runnel.core.StreamStatus;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Picks the shard that takes a record, exactly as the server does for PutRecords: the open shard whose
 * hash-key range holds the record's hash key. It follows the stream's metadata, so records go to the new
 * shards as soon as a split or merge is seen.
 */
final class ShardRouter {

    private final MetadataLog metadata;
    private final String stream;
    private StreamMetadata seen;
    private BigInteger[] starts;
    private Shard[] shards;

    ShardRouter(MetadataLog metadata, String stream) {
        this.metadata = metadata;
        this.stream = stream;
        current();
    }

    String topic() {
        return seen.topic();
    }

    Shard shardFor(BigInteger hashKey) {
        current();
        int i = Arrays.binarySearch(starts, hashKey);
        return shards[i >= 0 ? i : -i - 2];
    }

    private StreamMetadata current() {
        StreamMetadata now = metadata.get(stream).orElseThrow(() -> new IllegalStateException(
                "stream '" + stream + "' does not exist (or was deleted); create it before writing to it"));
        if (now != seen) {
            if (now.status() == StreamStatus.CREATING || now.status() == StreamStatus.DELETING) {
                throw new IllegalStateException("stream '" + stream + "' is " + now.status() + " and cannot take records");
            }
            List<Shard> open = now.openShards();
            open.sort(Comparator.comparing(s -> s.hashKeyRange().start()));
            shards = open.toArray(Shard[]::new);
            starts = open.stream().map(s -> s.hashKeyRange().start()).toArray(BigInteger[]::new);
            seen = now;
        }
        return now;
    }
}
