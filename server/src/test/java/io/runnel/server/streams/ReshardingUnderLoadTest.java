package io.runnel.server.streams;

import io.runnel.server.testing.Clients;
import io.runnel.server.testing.KeyedRecords;
import io.runnel.server.testing.RunnelServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ScalingType;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardFilterType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
            producers.add(pool.submit(() -> KeyedRecords.produce(RunnelServerExtension.server().endpoint(), STREAM, "p" + producer,
                    KEYS_PER_PRODUCER, stop, acknowledged)));
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

        Map<String, List<Integer>> seen = KeyedRecords.readFollowingLineage(kinesis, STREAM,
                record -> assertThat(record.partitionKey()).isEqualTo(record.data().asUtf8String().split(":")[0]));
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

    private static List<Shard> openShards(KinesisClient kinesis) {
        return kinesis.listShards(b -> b.streamName(STREAM).shardFilter(f -> f.type(ShardFilterType.AT_LATEST))).shards();
    }

    private static void awaitActive(KinesisClient kinesis) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() ->
                kinesis.describeStreamSummary(b -> b.streamName(STREAM)).streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
    }
}
