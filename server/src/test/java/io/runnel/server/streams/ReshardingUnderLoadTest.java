package io.runnel.server.streams;

import io.runnel.server.testing.Clients;
import io.runnel.server.testing.RunnelServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ScalingType;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardFilterType;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Shards split and merge while producers write. A reader that finishes every parent before its children
 * sees each acknowledged record exactly once, and each partition key's records in the order written.
 */
@ExtendWith(RunnelServerExtension.class)
class ReshardingUnderLoadTest {

    private static final String STREAM = "resharding-under-load";
    private static final int PRODUCERS = 4;
    private static final int KEYS_PER_PRODUCER = 25;

    @Test
    void lineageReaderSeesEveryRecordOnceAndInKeyOrder() throws Exception {
        KinesisClient kinesis = Clients.sync(RunnelServerExtension.server().endpoint(), true);
        kinesis.createStream(b -> b.streamName(STREAM).shardCount(2));
        awaitActive(kinesis);

        AtomicBoolean stop = new AtomicBoolean();
        Map<String, Integer> acknowledged = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(PRODUCERS);
        List<Future<?>> producers = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            int producer = p;
            producers.add(pool.submit(() -> produce(producer, stop, acknowledged)));
        }

        // Wait for writes to flow, then reshard again and again while they go on.
        await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.values().stream().mapToInt(i -> i).sum() > 2000);
        List<Shard> open = openShards(kinesis);
        Shard first = open.get(0);
        BigInteger middle = new BigInteger(first.hashKeyRange().startingHashKey())
                .add(new BigInteger(first.hashKeyRange().endingHashKey())).shiftRight(1);
        kinesis.splitShard(b -> b.streamName(STREAM).shardToSplit(first.shardId()).newStartingHashKey(middle.toString()));
        awaitActive(kinesis);
        kinesis.splitShard(b -> b.streamName(STREAM).shardToSplit("shardId-000000000001")
                .newStartingHashKey(BigInteger.TWO.pow(127).add(BigInteger.TWO.pow(126)).toString()));
        awaitActive(kinesis);
        kinesis.mergeShards(b -> b.streamName(STREAM).shardToMerge("shardId-000000000003").adjacentShardToMerge("shardId-000000000004"));
        awaitActive(kinesis);
        kinesis.updateShardCount(b -> b.streamName(STREAM).targetShardCount(5).scalingType(ScalingType.UNIFORM_SCALING));
        awaitActive(kinesis);
        kinesis.updateShardCount(b -> b.streamName(STREAM).targetShardCount(3).scalingType(ScalingType.UNIFORM_SCALING));
        awaitActive(kinesis);
        int before = acknowledged.values().stream().mapToInt(i -> i).sum();
        await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.values().stream().mapToInt(i -> i).sum() > before + 1000);
        stop.set(true);
        for (Future<?> f : producers) {
            f.get();
        }
        pool.shutdown();

        Map<String, List<Integer>> seen = readFollowingLineage(kinesis);
        int total = 0;
        for (Map.Entry<String, Integer> e : acknowledged.entrySet()) {
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < e.getValue(); i++) {
                expected.add(i);
            }
            assertThat(seen.get(e.getKey())).as("records of key %s, in the order read", e.getKey()).isEqualTo(expected);
            total += e.getValue();
        }
        assertThat(seen.keySet()).isEqualTo(acknowledged.keySet());
        assertThat(total).isGreaterThan(3000);
        kinesis.close();
    }

    /** Writes batches of records whose data is "key:n", n counting up per key; counts what was acknowledged. */
    private static Void produce(int producer, AtomicBoolean stop, Map<String, Integer> acknowledged) {
        try (KinesisClient kinesis = Clients.sync(RunnelServerExtension.server().endpoint(), true)) {
            Map<String, Integer> next = new HashMap<>();
            while (!stop.get()) {
                List<PutRecordsRequestEntry> batch = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    String key = "p" + producer + "-k" + (i % KEYS_PER_PRODUCER);
                    int n = next.merge(key, 1, Integer::sum) - 1;
                    batch.add(PutRecordsRequestEntry.builder().partitionKey(key).data(SdkBytes.fromUtf8String(key + ":" + n)).build());
                }
                PutRecordsResponse r = kinesis.putRecords(b -> b.streamName(STREAM).records(batch));
                assertThat(r.failedRecordCount()).isZero();
                next.forEach(acknowledged::put);
            }
        }
        return null;
    }

    /** Reads every shard to its end, never a child before all its parents. */
    private static Map<String, List<Integer>> readFollowingLineage(KinesisClient kinesis) {
        List<Shard> shards = kinesis.listShards(b -> b.streamName(STREAM)).shards();
        Set<String> done = new HashSet<>();
        Map<String, List<Integer>> seen = new LinkedHashMap<>();
        List<Shard> pending = new ArrayList<>(shards);
        while (!pending.isEmpty()) {
            Shard next = pending.stream().filter(s -> (s.parentShardId() == null || done.contains(s.parentShardId()))
                    && (s.adjacentParentShardId() == null || done.contains(s.adjacentParentShardId()))).findFirst().orElseThrow();
            pending.remove(next);
            String it = kinesis.getShardIterator(b -> b.streamName(STREAM).shardId(next.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            while (it != null) {
                String current = it;
                GetRecordsResponse r = kinesis.getRecords(b -> b.shardIterator(current));
                for (Record record : r.records()) {
                    String[] parts = record.data().asUtf8String().split(":");
                    assertThat(record.partitionKey()).isEqualTo(parts[0]);
                    seen.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(Integer.parseInt(parts[1]));
                }
                boolean caughtUp = r.records().isEmpty() && r.millisBehindLatest() == 0;
                it = caughtUp && next.sequenceNumberRange().endingSequenceNumber() == null ? null : r.nextShardIterator();
            }
            done.add(next.shardId());
        }
        return seen;
    }

    private static List<Shard> openShards(KinesisClient kinesis) {
        return kinesis.listShards(b -> b.streamName(STREAM).shardFilter(f -> f.type(ShardFilterType.AT_LATEST))).shards();
    }

    private static void awaitActive(KinesisClient kinesis) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() ->
                kinesis.describeStreamSummary(b -> b.streamName(STREAM)).streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
    }
}
