package io.runnel.it;

import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.services.kinesis.producer.Attempt;
import com.amazonaws.services.kinesis.producer.KinesisProducer;
import com.amazonaws.services.kinesis.producer.KinesisProducerConfiguration;
import com.amazonaws.services.kinesis.producer.UserRecordResult;
import com.google.common.util.concurrent.ListenableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.math.BigInteger;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A KPL producer (its native daemon, over TLS, aggregating) writes to a four-shard stream that is split while it writes,
 * and a KCL 3 application of two workers reads it: with enhanced fan-out, and again by polling through a worker's
 * stop and a third worker's start. Only endpoints are changed in either library's configuration.
 */
class KinesisClientLibrariesTest {

    private static final int USER_RECORDS = 100_000;
    private static final int KEYS = 500;
    private static final String STREAM = "orders";

    @TempDir
    Path dir;

    @Test
    void kplWritesOverTlsAndTwoKclWorkersReadWithEnhancedFanOut() throws Exception {
        run(true, false);
    }

    @Test
    void twoKclWorkersPollingHandOverWhenOneStopsAndShareWithAThird() throws Exception {
        run(false, true);
    }

    private void run(boolean fanOut, boolean failover) throws Exception {
        Path log = Path.of("target/runnel-kcl-kpl-" + (fanOut ? "efo" : "polling") + ".log");
        try (RunnelProcess runnel = RunnelProcess.up(log, "--data-dir", dir.resolve("data").toString());
             KinesisClient kinesis = runnel.client();
             DynamoDbClient dynamo = dynamo(runnel.endpoint())) {
            kinesis.createStream(b -> b.streamName(STREAM).shardCount(4));
            await().atMost(Duration.ofMinutes(1)).until(() -> kinesis.describeStreamSummary(b -> b.streamName(STREAM))
                    .streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
            String application = "orders-app-" + (fanOut ? "efo" : "polling");
            KclWorker.Consumed consumed = new KclWorker.Consumed();
            List<KclWorker> workers = new ArrayList<>();
            KinesisProducer producer = new KinesisProducer(kplConfiguration(runnel.httpsEndpoint()));
            try {
                workers.add(new KclWorker(runnel.endpoint(), STREAM, application, "worker-a", fanOut, consumed));
                workers.add(new KclWorker(runnel.endpoint(), STREAM, application, "worker-b", fanOut, consumed));
                Set<String> rewritten = new HashSet<>();
                long started = System.nanoTime();
                produce(producer, 0, USER_RECORDS / 4, rewritten);
                split(kinesis);
                produce(producer, USER_RECORDS / 4, USER_RECORDS / 2, rewritten);
                if (failover) {
                    await().atMost(Duration.ofMinutes(5)).until(() -> consumed.distinct() >= USER_RECORDS / 4);
                    // The worker that is not the leader stops: a stopped leader's lock is only taken over once the
                    // other worker asks again, which the KCL does at most every 30 s after it was told no.
                    String leader = dynamo.getItem(b -> b.tableName(application + "-CoordinatorState").consistentRead(true)
                            .key(Map.of("key", AttributeValue.fromS("Leader")))).item().get("ownerName").s();
                    int stopping = leader.equals("worker-a") ? 1 : 0;
                    String stopped = stopping == 0 ? "worker-a" : "worker-b";
                    String other = stopping == 0 ? "worker-b" : "worker-a";
                    await().atMost(Duration.ofMinutes(2)).until(() -> !owned(dynamo, application, stopped).isEmpty());
                    Set<String> leases = owned(dynamo, application, stopped);
                    workers.get(stopping).stop();
                    long stoppedAt = System.nanoTime();
                    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
                            .until(() -> owners(dynamo, application).values().stream().noneMatch(stopped::equals));
                    System.out.printf("KCL leases %s of stopped %s moved to %s %d ms after it stopped (failover time %d ms)%n",
                            leases, stopped, other, (System.nanoTime() - stoppedAt) / 1_000_000, KclWorker.FAILOVER_MILLIS);
                    workers.add(new KclWorker(runnel.endpoint(), STREAM, application, "worker-c", fanOut, consumed));
                    long joined = System.nanoTime();
                    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
                            .until(() -> !owned(dynamo, application, "worker-c").isEmpty());
                    System.out.printf("KCL worker-c took %s %d ms after it started%n", owned(dynamo, application, "worker-c"),
                            (System.nanoTime() - joined) / 1_000_000);
                }
                produce(producer, USER_RECORDS / 2, USER_RECORDS, rewritten);
                double kplSeconds = (System.nanoTime() - started) / 1e9;
                System.out.printf("KPL wrote %d user records in %.1f s: %.0f records/s (aggregated, over TLS)%n",
                        USER_RECORDS, kplSeconds, USER_RECORDS / kplSeconds);

                long reading = System.nanoTime();
                try {
                    await().atMost(Duration.ofMinutes(5)).until(() -> consumed.distinct() == USER_RECORDS);
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    List<String> missing = new ArrayList<>();
                    for (int i = 0; i < USER_RECORDS; i++) {
                        if (!consumed.times.containsKey(id(i))) {
                            missing.add(id(i) + (rewritten.contains(id(i)) ? " (rewritten)" : ""));
                        }
                    }
                    throw new AssertionError(missing.size() + " user records never read, of which "
                            + missing.stream().filter(m -> m.endsWith("(rewritten)")).count() + " KPL wrote again; first: "
                            + missing.subList(0, Math.min(20, missing.size())) + "; shards read: " + consumed.lastInShard.keySet()
                            + "; where they are stored: " + whereStored(kinesis, missing) + "; records that were not user records: "
                            + consumed.unreadable, e);
                }
                System.out.printf("KCL (%s) had read all %d user records %.1f s after the last was written%n",
                        fanOut ? "enhanced fan-out" : "polling", USER_RECORDS, (System.nanoTime() - reading) / 1e9);

                // Every user record once; one the KPL itself sent twice (it sends every user record of an aggregate again
                // when the aggregate lands on a shard it does not know yet, just after the split) at most twice.
                int readTwice = 0;
                for (int i = 0; i < USER_RECORDS; i++) {
                    String id = id(i);
                    int times = consumed.times.getOrDefault(id, 0);
                    if (rewritten.contains(id)) {
                        assertThat(times).as("times %s, which the KPL sent twice, was read", id).isBetween(1, 2);
                        readTwice += times - 1;
                    } else {
                        assertThat(times).as("times %s was read", id).isEqualTo(1);
                    }
                }
                System.out.printf("KPL sent %d user records again after the split; %d of them were read twice%n",
                        rewritten.size(), readTwice);
                assertThat(consumed.outOfOrder).isEmpty();
                assertThat(consumed.unreadable).isEmpty();
                Map<String, AttributeValue> parent = lease(dynamo, application, "shardId-000000000000");
                assertThat(parent.get("checkpoint").s()).isEqualTo("SHARD_END");
                List<String> children = kinesis.listShards(b -> b.streamName(STREAM)).shards().stream()
                        .filter(s -> "shardId-000000000000".equals(s.parentShardId())).map(Shard::shardId).toList();
                assertThat(children).hasSize(2);
                for (String child : children) {
                    String checkpoint = lease(dynamo, application, child).get("checkpoint").s();
                    assertThat(checkpoint).as("checkpoint of %s", child).matches("\\d{56}");
                }
                if (failover) {
                    assertThat(consumed.byWorker).as("user records read by each worker").containsKey("worker-c");
                }
            } finally {
                producer.destroy();
                for (KclWorker w : workers) {
                    w.close();
                }
            }
        }
    }

    /** Where the stream keeps the given user records: each shard's aggregates read by GetRecords and taken apart. */
    private static List<String> whereStored(KinesisClient kinesis, List<String> missing) {
        Set<String> wanted = missing.stream().map(m -> m.split(" ")[0]).collect(Collectors.toSet());
        List<String> found = new ArrayList<>();
        software.amazon.kinesis.retrieval.AggregatorUtil aggregator = new software.amazon.kinesis.retrieval.AggregatorUtil();
        for (Shard shard : kinesis.listShards(b -> b.streamName(STREAM)).shards()) {
            String iterator = kinesis.getShardIterator(b -> b.streamName(STREAM).shardId(shard.shardId())
                    .shardIteratorType("TRIM_HORIZON")).shardIterator();
            while (iterator != null) {
                String from = iterator;
                var page = kinesis.getRecords(b -> b.shardIterator(from));
                for (var r : page.records()) {
                    for (var user : aggregator.deaggregate(List.of(software.amazon.kinesis.retrieval.KinesisClientRecord.fromRecord(r)))) {
                        String id = StandardCharsets.UTF_8.decode(user.data()).toString();
                        if (wanted.contains(id)) {
                            found.add(id + "@" + shard.shardId() + "/" + r.sequenceNumber() + " (shard ends "
                                    + shard.sequenceNumberRange().endingSequenceNumber() + ")");
                        }
                    }
                }
                iterator = page.records().isEmpty() && page.millisBehindLatest() == 0 ? null : page.nextShardIterator();
            }
        }
        return found.subList(0, Math.min(10, found.size()));
    }

    private static String id(int i) {
        return "key-" + (i % KEYS) + ":" + (i / KEYS);
    }

    /** Puts user records [from, to), waiting for each to be acknowledged; notes those KPL sent more than once. */
    private static void produce(KinesisProducer producer, int from, int to, Set<String> rewritten) throws Exception {
        List<ListenableFuture<UserRecordResult>> results = new ArrayList<>();
        for (int i = from; i < to; i++) {
            if (producer.getOutstandingRecordsCount() > 20_000) {
                // The KPL gives no signal of room in its buffer: its count is polled, with a deadline.
                producer.flush();
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(5))
                        .until(() -> producer.getOutstandingRecordsCount() <= 20_000);
            }
            results.add(producer.addUserRecord(STREAM, "key-" + (i % KEYS), ByteBuffer.wrap(id(i).getBytes(StandardCharsets.UTF_8))));
        }
        producer.flushSync();
        for (int i = 0; i < results.size(); i++) {
            UserRecordResult result = results.get(i).get();
            List<Attempt> attempts = result.getAttempts();
            assertThat(result.isSuccessful()).as("record %s: %s", id(from + i), attempts.stream()
                    .map(a -> a.getErrorCode() + " " + a.getErrorMessage()).collect(Collectors.joining("; "))).isTrue();
            if (attempts.stream().anyMatch(a -> "Wrong Shard".equals(a.getErrorCode()))) {
                rewritten.add(id(from + i));
            }
        }
    }

    private static void split(KinesisClient kinesis) {
        BigInteger middleOfFirstQuarter = BigInteger.ONE.shiftLeft(125);
        kinesis.splitShard(b -> b.streamName(STREAM).shardToSplit("shardId-000000000000")
                .newStartingHashKey(middleOfFirstQuarter.toString()));
        await().atMost(Duration.ofMinutes(1)).until(() -> kinesis.describeStreamSummary(b -> b.streamName(STREAM))
                .streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
    }

    /** KPL pointed at Runnel: its three endpoints on the HTTPS port, the self-signed certificate not verified. */
    private KinesisProducerConfiguration kplConfiguration(URI https) {
        return new KinesisProducerConfiguration()
                .setRegion("us-east-1")
                .setKinesisEndpoint(https.getHost()).setKinesisPort(https.getPort())
                .setStsEndpoint(https.getHost()).setStsPort(https.getPort())
                .setCloudwatchEndpoint(https.getHost()).setCloudwatchPort(https.getPort())
                .setVerifyCertificate(false)
                .setCredentialsProvider(new AWSStaticCredentialsProvider(new BasicAWSCredentials("runnel", "runnel-secret")))
                .setAggregationEnabled(true)
                .setRecordMaxBufferedTime(100)
                .setMetricsUploadDelay(5_000)
                .setLogLevel("warning")
                // Where the KPL unpacks its daemon: kept for the JVM's life, as the KPL watches those files until it ends.
                .setTempDirectory(Path.of("target/kpl").toAbsolutePath().toString());
    }

    private static DynamoDbClient dynamo(URI endpoint) {
        return DynamoDbClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("runnel", "runnel-secret"))).build();
    }

    /** Lease key to owner, of every lease with an owner. */
    private static Map<String, String> owners(DynamoDbClient dynamo, String application) {
        return dynamo.scanPaginator(b -> b.tableName(application).consistentRead(true)).items().stream()
                .filter(i -> i.containsKey("leaseOwner") && !"SHARD_END".equals(i.get("checkpoint").s()))
                .collect(Collectors.toMap(i -> i.get("leaseKey").s(), i -> i.get("leaseOwner").s()));
    }

    private static Set<String> owned(DynamoDbClient dynamo, String application, String worker) {
        return owners(dynamo, application).entrySet().stream().filter(e -> e.getValue().equals(worker))
                .map(Map.Entry::getKey).collect(Collectors.toSet());
    }

    private static Map<String, AttributeValue> lease(DynamoDbClient dynamo, String application, String shardId) {
        return dynamo.getItem(b -> b.tableName(application).key(Map.of("leaseKey", AttributeValue.fromS(shardId)))
                .consistentRead(true)).item();
    }
}
