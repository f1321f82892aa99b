package io.runnel.connectors.sink;

import io.runnel.core.MetadataLog;
import io.runnel.core.Shard;
import io.runnel.core.StreamMetadata;
import io.runnel.core.StreamStatus;

import java.math.BigInteger;
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
    private long seenChanges = -1;
    /** The open shards by the start of their hash-key range, the starts split into unsigned 64-bit halves. */
    private Shard[] shards;
    private long[] startHigh;
    private long[] startLow;

    ShardRouter(MetadataLog metadata, String stream) {
        this.metadata = metadata;
        this.stream = stream;
        current();
    }

    String topic() {
        return seen.topic();
    }

    Shard shardFor(BigInteger hashKey) {
        return shardFor(hashKey.shiftRight(64).longValue(), hashKey.longValue());
    }

    /** The shard for a 128-bit hash key given as its high and low 64 bits, unsigned. */
    Shard shardFor(long high, long low) {
        current();
        // The last shard whose range starts at or before the key; the first always starts at 0.
        int lo = 0;
        int hi = shards.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            int c = Long.compareUnsigned(startHigh[mid], high);
            if (c < 0 || (c == 0 && Long.compareUnsigned(startLow[mid], low) <= 0)) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return shards[lo];
    }

    private void current() {
        long changes = metadata.changeCount();
        if (changes == seenChanges) {
            return;
        }
        StreamMetadata now = metadata.get(stream).orElseThrow(() -> new IllegalStateException(
                "stream '" + stream + "' does not exist (or was deleted); create it before writing to it"));
        if (now != seen) {
            if (now.status() == StreamStatus.CREATING || now.status() == StreamStatus.DELETING) {
                throw new IllegalStateException("stream '" + stream + "' is " + now.status() + " and cannot take records");
            }
            List<Shard> open = now.openShards();
            open.sort(Comparator.comparing(s -> s.hashKeyRange().start()));
            shards = open.toArray(Shard[]::new);
            startHigh = open.stream().mapToLong(s -> s.hashKeyRange().start().shiftRight(64).longValue()).toArray();
            startLow = open.stream().mapToLong(s -> s.hashKeyRange().start().longValue()).toArray();
            seen = now;
        }
        seenChanges = changes;
    }
}
