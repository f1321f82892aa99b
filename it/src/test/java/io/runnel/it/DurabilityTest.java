package io.runnel.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sixteen producers put 200,000 records while the server is killed with SIGKILL and started again. Every
 * acknowledged record is read back exactly once, and each partition key's records in the order put.
 */
class DurabilityTest {

    private static final String STREAM = "durable";
    private static final int PRODUCERS = 16;
    private static final int RECORDS = 200_000;
    private static final int BATCH = 250;
    private static final int KEYS_PER_PRODUCER = 8;

    @TempDir
    Path dir;

    /** What one producer put: record ids ("p3-1234") acknowledged, and those whose fate it never learned. */
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final Set<String> unknown = ConcurrentHashMap.newKeySet();

    @Test
    void everyAcknowledgedRecordSurvivesSigkillExactlyOnce() throws Exception {
        int port = RunnelProcess.freePort();
        int kafkaPort = RunnelProcess.freePort();
        String[] flags = {"--port", Integer.toString(port), "--kafka-port", Integer.toString(kafkaPort),
                "--data-dir", dir.resolve("data").toString(), "--create-stream-ms", "100"};
        Path log = Path.of("target/runnel-durability.log");
        URI endpoint = URI.create("http://127.0.0.1:" + port);

        RunnelProcess first = RunnelProcess.up(log, flags);
        try (KinesisClient admin = client(endpoint)) {
            admin.createStream(b -> b.streamName(STREAM).shardCount(4));
            awaitActive(admin);
        }

        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(PRODUCERS);
        List<Future<?>> producers = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            int producer = p;
            producers.add(pool.submit(() -> produce(producer, endpoint, next)));
        }
        await().atMost(Duration.ofMinutes(5)).until(() -> acknowledged.size() >= RECORDS / 4);
        first.kill();
        int atKill = acknowledged.size();

        try (RunnelProcess second = RunnelProcess.up(log, flags)) {
            for (Future<?> f : producers) {
                f.get();
            }
            pool.shutdown();
            assertThat(acknowledged.size()).as("acknowledged after the restart").isGreaterThan(atKill);
            assertThat(acknowledged.size() + unknown.size()).isEqualTo(RECORDS);

            try (KinesisClient reader = client(endpoint)) {
                Map<String, Integer> seen = new HashMap<>();
                Map<String, Integer> lastOfKey = new HashMap<>();
                for (Shard shard : reader.listShards(b -> b.streamName(STREAM)).shards()) {
                    BigInteger previous = BigInteger.valueOf(-1);
                    for (Record r : readShard(reader, shard.shardId())) {
                        BigInteger sequence = new BigInteger(r.sequenceNumber());
                        assertThat(sequence).as("sequence numbers increase within %s", shard.shardId()).isGreaterThan(previous);
                        previous = sequence;
                        String id = r.data().asUtf8String();
                        seen.merge(id, 1, Integer::sum);
                        int n = Integer.parseInt(id.substring(id.indexOf('-') + 1));
                        Integer last = lastOfKey.put(r.partitionKey(), n);
                        assertThat(last == null || last < n).as("order of key %s: %s then %s", r.partitionKey(), last, n).isTrue();
                    }
                }
                for (String id : acknowledged) {
                    assertThat(seen.get(id)).as("times acknowledged record %s was read", id).isEqualTo(1);
                }
                seen.forEach((id, times) -> assertThat(times).as("times record %s was read", id).isEqualTo(1));
                assertThat(acknowledged).allMatch(seen::containsKey);
                assertThat(seen.keySet()).allMatch(id -> acknowledged.contains(id) || unknown.contains(id));
            }
        }
    }

    /**
     * Puts batches until all records are taken. A batch whose answer is lost (the server died) is given up,
     * not retried: retrying could store its records twice, and the test counts only what was acknowledged.
     */
    private Void produce(int producer, URI endpoint, AtomicInteger next) {
        try (KinesisClient kinesis = client(endpoint)) {
            int[] perKey = new int[KEYS_PER_PRODUCER];
            int sequence = 0;
            while (true) {
                int start = next.getAndAdd(BATCH);
                if (start >= RECORDS) {
                    return null;
                }
                int count = Math.min(BATCH, RECORDS - start);
                List<PutRecordsRequestEntry> batch = new ArrayList<>();
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    int key = (sequence + i) % KEYS_PER_PRODUCER;
                    String id = "p" + producer + "-" + (sequence + i);
                    ids.add(id);
                    batch.add(PutRecordsRequestEntry.builder().partitionKey("p" + producer + "-key" + key)
                            .data(SdkBytes.fromUtf8String(id)).build());
                    perKey[key]++;
                }
                sequence += count;
                try {
                    PutRecordsResponse r = kinesis.putRecords(b -> b.streamName(STREAM).records(batch));
                    for (int i = 0; i < count; i++) {
                        PutRecordsResultEntry e = r.records().get(i);
                        (e.errorCode() == null ? acknowledged : unknown).add(ids.get(i));
                    }
                } catch (RuntimeException serverGone) {
                    unknown.addAll(ids);
                    awaitServer(kinesis);
                }
            }
        }
    }

    private static void awaitServer(KinesisClient kinesis) {
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> kinesis.describeStreamSummary(b -> b.streamName(STREAM)).streamDescriptionSummary() != null);
    }

    private static List<Record> readShard(KinesisClient kinesis, String shardId) {
        List<Record> out = new ArrayList<>();
        String it = kinesis.getShardIterator(b -> b.streamName(STREAM).shardId(shardId)
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
        while (it != null) {
            String current = it;
            GetRecordsResponse r = kinesis.getRecords(b -> b.shardIterator(current));
            out.addAll(r.records());
            it = r.records().isEmpty() && r.millisBehindLatest() == 0 ? null : r.nextShardIterator();
        }
        return out;
    }

    private static void awaitActive(KinesisClient kinesis) {
        await().atMost(Duration.ofSeconds(60)).until(() -> kinesis.describeStreamSummary(b -> b.streamName(STREAM))
                .streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
    }

    private static KinesisClient client(URI endpoint) {
        return KinesisClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("runnel", "runnel-secret")))
                .httpClientBuilder(ApacheHttpClient.builder().connectionTimeout(Duration.ofSeconds(2)).socketTimeout(Duration.ofSeconds(30)))
                // Retries would put a batch twice when its answer was lost; the test gives such batches up instead.
                .overrideConfiguration(c -> c.retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }
}
