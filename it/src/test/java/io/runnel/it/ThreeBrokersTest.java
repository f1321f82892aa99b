package io.runnel.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runnel on a three-broker KRaft cluster (each node its own process, replication factor 3): one broker is killed
 * with SIGKILL while producers put records. Puts go on, and every acknowledged record is read back.
 */
class ThreeBrokersTest {

    private static final String STREAM = "replicated";
    private static final int PRODUCERS = 4;

    @TempDir
    Path dir;

    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();

    @Test
    void aBrokerKilledUnderLoadLosesNothingAcknowledgedAndPutsGoOn() throws Exception {
        int[] ports = new int[3];
        int[] controllerPorts = new int[3];
        List<String> voters = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ports[i] = RunnelProcess.freePort();
            controllerPorts[i] = RunnelProcess.freePort();
            voters.add((i + 1) + "@127.0.0.1:" + controllerPorts[i]);
        }
        byte[] id = new byte[16];
        new SecureRandom().nextBytes(id);
        String clusterId = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        List<Process> nodes = new ArrayList<>();
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                CompletableFuture<Void> up = new CompletableFuture<>();
                nodes.add(startNode(i + 1, ports[i], controllerPorts[i], String.join(",", voters), clusterId, up));
                ready.add(up);
            }
            CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
            String bootstrap = "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1] + ",127.0.0.1:" + ports[2];
            try (RunnelProcess runnel = RunnelProcess.up(Path.of("target/runnel-three-brokers.log"), "--kafka", bootstrap,
                    "--data-dir", dir.resolve("runnel").toString(), "--create-stream-ms", "100");
                 KinesisClient kinesis = runnel.client()) {
                kinesis.createStream(b -> b.streamName(STREAM).shardCount(4));
                await().atMost(Duration.ofMinutes(2)).until(() -> kinesis.describeStreamSummary(b -> b.streamName(STREAM))
                        .streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);

                AtomicBoolean stop = new AtomicBoolean();
                AtomicInteger next = new AtomicInteger();
                ExecutorService pool = Executors.newFixedThreadPool(PRODUCERS);
                List<Future<?>> producers = new ArrayList<>();
                for (int p = 0; p < PRODUCERS; p++) {
                    producers.add(pool.submit(() -> produce(runnel, next, stop)));
                }
                await().atMost(Duration.ofMinutes(2)).until(() -> acknowledged.size() >= 5_000);
                Process victim = nodes.get(1);
                victim.destroyForcibly();
                assertThat(victim.waitFor(60, TimeUnit.SECONDS)).isTrue();
                int atKill = acknowledged.size();
                await().atMost(Duration.ofMinutes(2)).until(() -> acknowledged.size() >= atKill + 5_000);
                stop.set(true);
                for (Future<?> f : producers) {
                    f.get();
                }
                pool.shutdown();

                Set<String> read = readAll(kinesis);
                Set<String> lost = new HashSet<>(acknowledged);
                lost.removeAll(read);
                assertThat(lost).as("acknowledged records not read back").isEmpty();
            }
        } finally {
            nodes.forEach(Process::destroyForcibly);
        }
    }

    /** A Kafka node in a process of its own, from the server's libraries and test classes. */
    private Process startNode(int nodeId, int port, int controllerPort, String voters, String clusterId,
                              CompletableFuture<Void> ready) throws IOException {
        Path server = RunnelProcess.ROOT.resolve("server/target");
        String classPath = server.resolve("test-classes") + ":" + server.resolve("runnel-server.jar") + ":" + server.resolve("lib/*");
        Path log = Path.of("target/kafka-node-" + nodeId + ".log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", classPath, "io.runnel.server.testing.KafkaNode", Integer.toString(nodeId),
                dir.resolve("kafka-" + nodeId).toString(), Integer.toString(port), Integer.toString(controllerPort), voters, clusterId)
                .redirectErrorStream(true).start();
        Thread pump = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    Files.writeString(log, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    if (line.equals("KAFKA_NODE_READY")) {
                        ready.complete(null);
                    }
                }
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
            ready.completeExceptionally(new IllegalStateException("Kafka node " + nodeId + " ended; see " + log));
        }, "kafka-node-" + nodeId);
        pump.setDaemon(true);
        pump.start();
        return p;
    }

    /** Puts batches of 100 records "n" and remembers which were acknowledged; a failed entry is simply not. */
    private Void produce(RunnelProcess runnel, AtomicInteger next, AtomicBoolean stop) {
        try (KinesisClient kinesis = runnel.client()) {
            while (!stop.get()) {
                List<PutRecordsRequestEntry> batch = new ArrayList<>();
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    String recordId = Integer.toString(next.getAndIncrement());
                    ids.add(recordId);
                    batch.add(PutRecordsRequestEntry.builder().partitionKey("k" + recordId)
                            .data(SdkBytes.fromUtf8String(recordId)).build());
                }
                PutRecordsResponse r;
                try {
                    r = kinesis.putRecords(b -> b.streamName(STREAM).records(batch));
                } catch (RuntimeException e) {
                    continue; // while leaders move, a whole call may fail: its records' fate is unknown, not acknowledged
                }
                for (int i = 0; i < ids.size(); i++) {
                    if (r.records().get(i).errorCode() == null) {
                        acknowledged.add(ids.get(i));
                    }
                }
            }
        }
        return null;
    }

    private static Set<String> readAll(KinesisClient kinesis) {
        Set<String> read = new HashSet<>();
        for (Shard shard : kinesis.listShards(b -> b.streamName(STREAM)).shards()) {
            String it = kinesis.getShardIterator(b -> b.streamName(STREAM).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            while (true) {
                String current = it;
                GetRecordsResponse r = kinesis.getRecords(b -> b.shardIterator(current));
                for (Record record : r.records()) {
                    read.add(record.data().asUtf8String());
                }
                if (r.records().isEmpty() && r.millisBehindLatest() == 0) {
                    break;
                }
                it = r.nextShardIterator();
            }
        }
        return read;
    }
}
