package io.runnel.server.streams;

import io.runnel.server.RunnelConfig;
import io.runnel.server.RunnelServer;
import io.runnel.server.testing.Clients;
import io.runnel.server.testing.KeyedRecords;
import io.runnel.server.testing.RunnelServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two servers on one Kafka cluster and one metadata topic: a stream created through both at once is made once, and
 * a stream resharded through one while the other takes its records loses none.
 */
@ExtendWith(RunnelServerExtension.class)
class TwoServersTest {

    private static final int TRIALS = 100;
    private static final int KEYS = 50;
    private static final int TAGS_EACH = 20;

    @Test
    void concurrentCreatesOfOneNameHaveExactlyOneWinner(@TempDir Path dir) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (RunnelServer second = secondServer(dir);
             KinesisClient a = Clients.sync(RunnelServerExtension.server().endpoint(), true);
             KinesisClient b = Clients.sync(endpoint(second), true)) {
            for (int trial = 0; trial < TRIALS; trial++) {
                String stream = "race-" + trial;
                CyclicBarrier start = new CyclicBarrier(2);
                List<Future<String>> outcomes = new ArrayList<>();
                for (KinesisClient client : List.of(a, b)) {
                    outcomes.add(pool.submit(() -> {
                        start.await();
                        try {
                            client.createStream(c -> c.streamName(stream).shardCount(1));
                            return "created";
                        } catch (ResourceInUseException e) {
                            return "in use";
                        }
                    }));
                }
                List<String> results = new ArrayList<>();
                for (Future<String> outcome : outcomes) {
                    results.add(outcome.get());
                }
                assertThat(results).as("trial %d", trial).containsExactlyInAnyOrder("created", "in use");
                KinesisClient winner = results.get(0).equals("created") ? a : b;
                if (trial == 0) {
                    Clients.awaitActive(winner, stream);
                    assertThat(winner.describeStreamSummary(c -> c.streamName(stream)).streamDescriptionSummary().openShardCount())
                            .isEqualTo(1);
                }
                // A stream may be deleted while CREATING; so the trials do not add up against the account's shard limit.
                winner.deleteStream(c -> c.streamName(stream));
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void aReshardThroughOneServerStrandsNoRecordPutThroughTheOther(@TempDir Path dir) throws Exception {
        String stream = "reshard-across-servers";
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (RunnelServer second = secondServer(dir);
             KinesisClient a = Clients.sync(RunnelServerExtension.server().endpoint(), true)) {
            URI throughB = endpoint(second);
            a.createStream(c -> c.streamName(stream).shardCount(2));
            Clients.awaitActive(a, stream);
            AtomicBoolean stop = new AtomicBoolean();
            Map<String, Integer> acknowledged = new ConcurrentHashMap<>();
            List<Future<?>> producers = new ArrayList<>();
            for (int p = 0; p < 2; p++) {
                int producer = p;
                producers.add(pool.submit(() -> KeyedRecords.produce(throughB, stream, "p" + producer, KEYS, stop, acknowledged)));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> total(acknowledged) > 2000);
            java.math.BigInteger half = java.math.BigInteger.TWO.pow(127);
            a.splitShard(c -> c.streamName(stream).shardToSplit("shardId-000000000000").newStartingHashKey(half.shiftRight(1).toString()));
            Clients.awaitActive(a, stream);
            a.splitShard(c -> c.streamName(stream).shardToSplit("shardId-000000000001")
                    .newStartingHashKey(half.add(half.shiftRight(1)).toString()));
            Clients.awaitActive(a, stream);
            a.mergeShards(c -> c.streamName(stream).shardToMerge("shardId-000000000002").adjacentShardToMerge("shardId-000000000003"));
            Clients.awaitActive(a, stream);
            int resharded = total(acknowledged);
            await().atMost(Duration.ofSeconds(60)).until(() -> total(acknowledged) > resharded + 1000);
            stop.set(true);
            for (Future<?> f : producers) {
                f.get();
            }
            Map<String, List<Integer>> seen = KeyedRecords.readFollowingLineage(a, stream, record -> { });
            for (Map.Entry<String, Integer> e : acknowledged.entrySet()) {
                List<Integer> expected = new ArrayList<>();
                for (int i = 0; i < e.getValue(); i++) {
                    expected.add(i);
                }
                assertThat(seen.get(e.getKey())).as("records of key %s, in the order read", e.getKey()).isEqualTo(expected);
            }
            a.deleteStream(c -> c.streamName(stream));
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void changesMadeThroughBothServersAtOnceAreAllKept(@TempDir Path dir) throws Exception {
        String stream = "tags-across-servers";
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (RunnelServer second = secondServer(dir);
             KinesisClient a = Clients.sync(RunnelServerExtension.server().endpoint(), true);
             KinesisClient b = Clients.sync(endpoint(second), true)) {
            a.createStream(c -> c.streamName(stream).shardCount(1));
            Clients.awaitActive(a, stream);
            // Each AddTagsToStream reads the stream's tags and writes them back with one more: a server that wrote on an
            // old read would drop the other server's tag.
            CyclicBarrier start = new CyclicBarrier(2);
            List<Future<?>> writers = new ArrayList<>();
            for (KinesisClient client : List.of(a, b)) {
                String prefix = client == a ? "a" : "b";
                writers.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < TAGS_EACH; i++) {
                        String key = prefix + i;
                        client.addTagsToStream(c -> c.streamName(stream).tags(Map.of(key, "v")));
                    }
                    return null;
                }));
            }
            for (Future<?> w : writers) {
                w.get();
            }
            for (KinesisClient client : List.of(a, b)) {
                // Each server reads the other's last change a moment after it is made.
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(client.listTagsForStream(c -> c.streamName(stream)
                        .limit(50)).tags()).as("tags as one server sees them").hasSize(2 * TAGS_EACH));
            }
            a.deleteStream(c -> c.streamName(stream));
        } finally {
            pool.shutdown();
        }
    }

    /** A second server on the shared server's Kafka cluster and metadata topic. */
    private static RunnelServer secondServer(Path dir) throws Exception {
        RunnelConfig config = RunnelServerExtension.testConfig(dir);
        config.kafka = RunnelServerExtension.server().server.bootstrapServers();
        return RunnelServer.start(config);
    }

    private static URI endpoint(RunnelServer server) {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    private static int total(Map<String, Integer> acknowledged) {
        return acknowledged.values().stream().mapToInt(i -> i).sum();
    }
}
