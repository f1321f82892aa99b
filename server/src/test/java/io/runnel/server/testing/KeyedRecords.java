package io.runnel.server.testing;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Records "key:n" whose n counts up per partition key, as resharding tests write them, and the lineage-ordered read
 * that checks them: every acknowledged record once, each key's in the order put.
 */
public final class KeyedRecords {

    private KeyedRecords() {
    }

    /**
     * Puts batches of 100 records over {@code keys} keys named {@code <prefix>-k<i>} until told to stop, and keeps in
     * {@code acknowledged} how many of each key's records were acknowledged.
     */
    public static Void produce(URI endpoint, String stream, String prefix, int keys, AtomicBoolean stop,
                               Map<String, Integer> acknowledged) {
        try (KinesisClient kinesis = Clients.sync(endpoint, true)) {
            Map<String, Integer> next = new HashMap<>();
            while (!stop.get()) {
                List<PutRecordsRequestEntry> batch = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    String key = prefix + "-k" + (i % keys);
                    int n = next.merge(key, 1, Integer::sum) - 1;
                    batch.add(PutRecordsRequestEntry.builder().partitionKey(key).data(SdkBytes.fromUtf8String(key + ":" + n)).build());
                }
                PutRecordsResponse r = kinesis.putRecords(b -> b.streamName(stream).records(batch));
                assertThat(r.failedRecordCount()).isZero();
                next.forEach(acknowledged::put);
            }
        }
        return null;
    }

    /**
     * Reads every shard to its end, never a child before all its parents, and returns each key's numbers in the order
     * read; {@code each} sees every record first.
     */
    public static Map<String, List<Integer>> readFollowingLineage(KinesisClient kinesis, String stream, Consumer<Record> each) {
        List<Shard> pending = new ArrayList<>(kinesis.listShards(b -> b.streamName(stream)).shards());
        Set<String> done = new HashSet<>();
        Map<String, List<Integer>> seen = new HashMap<>();
        while (!pending.isEmpty()) {
            Shard next = pending.stream().filter(s -> (s.parentShardId() == null || done.contains(s.parentShardId()))
                    && (s.adjacentParentShardId() == null || done.contains(s.adjacentParentShardId()))).findFirst().orElseThrow();
            pending.remove(next);
            String it = kinesis.getShardIterator(b -> b.streamName(stream).shardId(next.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            while (it != null) {
                String current = it;
                GetRecordsResponse r = kinesis.getRecords(b -> b.shardIterator(current));
                for (Record record : r.records()) {
                    each.accept(record);
                    String[] parts = record.data().asUtf8String().split(":");
                    seen.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(Integer.parseInt(parts[1]));
                }
                boolean caughtUp = r.records().isEmpty() && r.millisBehindLatest() == 0;
                it = caughtUp && next.sequenceNumberRange().endingSequenceNumber() == null ? null : r.nextShardIterator();
            }
            done.add(next.shardId());
        }
        return seen;
    }
}
