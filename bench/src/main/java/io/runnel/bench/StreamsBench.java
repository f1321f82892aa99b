package io.runnel.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Data Streams: PutRecords throughput through the AWS SDK for Java v2 against a raw Kafka producer writing
 * the same records to the same broker, put-to-get latency at a steady rate, and the server's memory.
 */
final class StreamsBench {

    private static final int CALLERS = 8;
    private static final int BATCH = 500;
    private static final int RECORD_BYTES = 100;
    private static final int SHARDS = 4;
    private static final int THROUGHPUT_RECORDS = 1_000_000;
    /** Kafka's producer runs this many records first, so that rounds measure a warm JIT. */
    private static final int WARMUP_RECORDS = 1_500_000;
    /**
     * Runnel's server puts passes of this many records until its JIT compilers take under a twentieth of its CPU in two
     * passes running: a server that has run for a while is that warm, and compilation would otherwise be counted as the
     * cost of a put.
     */
    private static final int WARMUP_PASS_RECORDS = 1_000_000;
    private static final int WARMUP_PASSES = 24;
    /** Kafka and Runnel take turns, so that a noisy moment of the machine does not favour either. */
    private static final int ROUNDS = 3;
    static final int LATENCY_RATE = 10_000;
    private static final Duration LATENCY_RUN = Duration.ofSeconds(20);
    private static final Duration LATENCY_WARMUP = Duration.ofSeconds(3);

    private StreamsBench() {
    }

    static void run(String[] args) throws Exception {
        Path dir = Bench.scratchDir("runnel-bench");
        System.out.println("Runnel bench: streams (" + Runtime.getRuntime().availableProcessors() + " cores; client and server on this machine)");
        try (ServerProcess server = ServerProcess.start(dir.resolve("data"));
             KinesisClient kinesis = client(server.endpoint);
             Callers callers = new Callers(server.endpoint)) {
            kinesis.createStream(b -> b.streamName("bench").shardCount(SHARDS));
            kinesis.createStream(b -> b.streamName("bench-latency").shardCount(SHARDS));
            awaitActive(kinesis, "bench");
            awaitActive(kinesis, "bench-latency");

            createRawTopic(server.bootstrapServers);
            rawKafka(server.bootstrapServers, WARMUP_RECORDS);
            warmUp(server, callers);
            double[] kafkaRounds = new double[ROUNDS];
            double[] runnelRounds = new double[ROUNDS];
            double serverCpu = 0;
            double brokerCpu = 0;
            double clientCpu = 0;
            Map<String, Double> byThread = new java.util.TreeMap<>();
            for (int round = 0; round < ROUNDS; round++) {
                double brokerBefore = server.cpuSeconds();
                kafkaRounds[round] = rawKafka(server.bootstrapServers, THROUGHPUT_RECORDS);
                brokerCpu += server.cpuSeconds() - brokerBefore;
                double serverBefore = server.cpuSeconds();
                double clientBefore = processCpuSeconds();
                Map<String, Double> threadsBefore = server.cpuSecondsByThread();
                runnelRounds[round] = callers.put(THROUGHPUT_RECORDS);
                serverCpu += server.cpuSeconds() - serverBefore;
                clientCpu += processCpuSeconds() - clientBefore;
                server.cpuSecondsByThread().forEach((t, s) -> byThread.merge(t, s - threadsBefore.getOrDefault(t, 0.0), Double::sum));
                System.out.printf("  round %d: Runnel %,.0f records/s, Kafka %,.0f records/s%n", round + 1, runnelRounds[round], kafkaRounds[round]);
            }
            double kafka = ConnectorBench.median(kafkaRounds);
            double runnel = ConnectorBench.median(runnelRounds);
            double perRecord = 1e6 / (ROUNDS * (double) THROUGHPUT_RECORDS);
            double[] latency = latency(server.endpoint, kinesis);
            double[][] reshard = reshardLatency(server.endpoint, kinesis);
            long rssMiB = server.peakRssMiB();

            System.out.println();
            System.out.printf("PutRecords via SDK (8 callers, 500 x 100 B, 4 shards): %,.0f records/s (median of %d rounds)%n", runnel, ROUNDS);
            System.out.printf("raw Kafka producer, same records, same broker:         %,.0f records/s (median of %d rounds)%n", kafka, ROUNDS);
            System.out.printf("ratio Runnel / Kafka:                                   %.2f   (floor 0.50: %s; floor 100,000 records/s: %s)%n",
                    runnel / kafka, runnel / kafka >= 0.50 ? "met" : "NOT met", runnel >= 100_000 ? "met" : "NOT met");
            System.out.printf("  CPU per record put: server %.1f us (its Kafka broker included; floor < 2.5 us: %s), SDK callers %.1f us%n",
                    serverCpu * perRecord, serverCpu * perRecord < 2.5 ? "met" : "NOT met", clientCpu * perRecord);
            System.out.printf("    (the broker alone, taking the raw Kafka producer's records: %.1f us)%n", brokerCpu * perRecord);
            byThread.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(6)
                    .forEach(e -> System.out.printf("    %-40s %.1f us%n", e.getKey(), e.getValue() * perRecord));
            System.out.printf("put-to-get latency at %,d records/s: p50 %.1f ms, p99 %.1f ms   (floor p99 < 50 ms: %s)%n",
                    LATENCY_RATE, latency[0], latency[1], latency[1] < 50 ? "met" : "NOT met");
            System.out.printf("PutRecords latency (4 callers, 100 records a call) while shards split and merge: p50 %.1f ms, p99 %.1f ms; "
                    + "before: p50 %.1f ms, p99 %.1f ms   (floor p99 < 200 ms: %s)%n", reshard[1][0], reshard[1][1], reshard[0][0],
                    reshard[0][1], reshard[1][1] < 200 ? "met" : "NOT met");
            System.out.printf("server peak resident memory: %d MiB   (floor < 1024 MiB: %s)%n",
                    rssMiB, rssMiB < 1024 ? "met" : "NOT met");
        }
    }

    private static void warmUp(ServerProcess server, Callers callers) throws Exception {
        int settled = 0;
        for (int pass = 1; pass <= WARMUP_PASSES; pass++) {
            Map<String, Double> before = server.cpuSecondsByThread();
            double totalBefore = server.cpuSeconds();
            double rate = callers.put(WARMUP_PASS_RECORDS);
            double total = server.cpuSeconds() - totalBefore;
            double compiling = 0;
            for (Map.Entry<String, Double> e : server.cpuSecondsByThread().entrySet()) {
                compiling += e.getKey().contains("Compiler") ? e.getValue() - before.getOrDefault(e.getKey(), 0.0) : 0;
            }
            double share = total > 0 ? compiling / total : 0;
            System.out.printf("  warm-up pass %d: Runnel %,.0f records/s, JIT compiling %.0f%% of server CPU%n", pass, rate, 100 * share);
            settled = share < 0.05 ? settled + 1 : 0;
            if (settled == 2) {
                return;
            }
        }
    }

    /** A record's data: 100 random bytes. */
    static byte[] payload(Random random) {
        byte[] data = new byte[RECORD_BYTES];
        random.nextBytes(data);
        return data;
    }

    /** The baseline: Kafka's own producer, acks=all and idempotent as Runnel's, to a topic of 4 partitions. */
    private static void createRawTopic(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic("bench-raw-kafka", SHARDS, (short) 1))).all().get(60, TimeUnit.SECONDS);
        }
    }

    private static double rawKafka(String bootstrap, int records) {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        Random random = new Random(1);
        byte[][] keys = new byte[1024][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = ("pk-" + random.nextInt(1_000_000)).getBytes(StandardCharsets.UTF_8);
        }
        byte[] data = payload(random);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            long start = System.nanoTime();
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>("bench-raw-kafka", keys[i & 1023], data));
            }
            producer.flush();
            return records / seconds(start);
        }
    }

    /**
     * Eight callers, each with its own SDK client and four batches of 500 records, kept for the whole run as a producing
     * application keeps its client: making clients anew for each pass would count their start-up as the cost of puts.
     */
    private static final class Callers implements AutoCloseable {
        private final ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
        private final List<KinesisClient> clients = new ArrayList<>();
        private final List<List<List<PutRecordsRequestEntry>>> batches = new ArrayList<>();

        Callers(String endpoint) {
            for (int c = 0; c < CALLERS; c++) {
                clients.add(client(endpoint));
                Random random = new Random(c);
                List<List<PutRecordsRequestEntry>> own = new ArrayList<>();
                for (int b = 0; b < 4; b++) {
                    List<PutRecordsRequestEntry> batch = new ArrayList<>(BATCH);
                    for (int i = 0; i < BATCH; i++) {
                        batch.add(PutRecordsRequestEntry.builder().partitionKey("pk-" + random.nextInt(1_000_000))
                                .data(SdkBytes.fromByteArray(payload(random))).build());
                    }
                    own.add(batch);
                }
                batches.add(own);
            }
        }

        /** Puts batches of 500 from every caller until {@code records} are put; returns records/s. */
        double put(int records) throws Exception {
            AtomicLong remaining = new AtomicLong(records);
            long start = System.nanoTime();
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < CALLERS; c++) {
                KinesisClient kinesis = clients.get(c);
                List<List<PutRecordsRequestEntry>> own = batches.get(c);
                running.add(pool.submit(() -> {
                    for (int n = 0; remaining.getAndAdd(-BATCH) > 0; n++) {
                        List<PutRecordsRequestEntry> batch = own.get(n & 3);
                        PutRecordsResponse r = kinesis.putRecords(b -> b.streamName("bench").records(batch));
                        if (r.failedRecordCount() > 0) {
                            throw new IllegalStateException(r.failedRecordCount() + " records failed");
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
            return records / seconds(start);
        }

        @Override
        public void close() {
            clients.forEach(KinesisClient::close);
            pool.shutdown();
        }
    }

    /**
     * One producer puts batches at a steady rate while one consumer per shard polls GetRecords; each
     * record carries the time it was put. Returns p50 and p99 in milliseconds.
     */
    private static double[] latency(String endpoint, KinesisClient kinesis) throws Exception {
        List<Shard> shards = kinesis.listShards(b -> b.streamName("bench-latency")).shards();
        AtomicBoolean stop = new AtomicBoolean();
        List<Long> samples = new ArrayList<>();
        long measureFrom = System.nanoTime() + LATENCY_WARMUP.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(shards.size() + 1);
        CountDownLatch consumersReady = new CountDownLatch(shards.size());
        List<Future<?>> consumers = new ArrayList<>();
        for (Shard shard : shards) {
            consumers.add(pool.submit(() -> {
                try (KinesisClient c = client(endpoint)) {
                    String it = c.getShardIterator(b -> b.streamName("bench-latency").shardId(shard.shardId())
                            .shardIteratorType(ShardIteratorType.LATEST)).shardIterator();
                    consumersReady.countDown();
                    List<Long> mine = new ArrayList<>();
                    while (!stop.get()) {
                        String current = it;
                        GetRecordsResponse r = c.getRecords(b -> b.shardIterator(current));
                        long now = System.nanoTime();
                        for (Record record : r.records()) {
                            long sent = ByteBuffer.wrap(record.data().asByteArrayUnsafe()).getLong();
                            if (sent >= measureFrom) {
                                mine.add(now - sent);
                            }
                        }
                        it = r.nextShardIterator();
                        if (r.records().isEmpty()) {
                            TimeUnit.MILLISECONDS.sleep(2);
                        }
                    }
                    synchronized (samples) {
                        samples.addAll(mine);
                    }
                }
                return null;
            }));
        }
        consumersReady.await();
        Future<?> producer = pool.submit(() -> {
            putAtSteadyRate(kinesis, "bench-latency");
            return null;
        });
        producer.get();
        TimeUnit.MILLISECONDS.sleep(500);
        stop.set(true);
        for (Future<?> f : consumers) {
            f.get();
        }
        pool.shutdown();
        return percentiles(samples);
    }

    /**
     * Puts batches of 100 records at {@value #LATENCY_RATE} records/s for {@link #LATENCY_RUN}; each record's data starts
     * with the {@link System#nanoTime()} it was sent at.
     */
    static void putAtSteadyRate(KinesisClient kinesis, String stream) throws InterruptedException {
        int perBatch = 100;
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) * perBatch / LATENCY_RATE;
        long end = System.nanoTime() + LATENCY_RUN.toNanos();
        Random random = new Random(7);
        long next = System.nanoTime();
        while (System.nanoTime() < end) {
            List<PutRecordsRequestEntry> batch = new ArrayList<>(perBatch);
            long sent = System.nanoTime();
            for (int i = 0; i < perBatch; i++) {
                byte[] data = payload(random);
                ByteBuffer.wrap(data).putLong(sent);
                batch.add(PutRecordsRequestEntry.builder().partitionKey("pk-" + random.nextInt(1_000_000))
                        .data(SdkBytes.fromByteArray(data)).build());
            }
            kinesis.putRecords(b -> b.streamName(stream).records(batch));
            next += intervalNanos;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
        }
    }

    /**
     * Four callers put batches of 100 as fast as they can, first on a steady stream, then while its shards split,
     * split again and merge. Returns {p50, p99} of the calls before and during the resharding, in milliseconds.
     */
    private static double[][] reshardLatency(String endpoint, KinesisClient kinesis) throws Exception {
        String stream = "bench-reshard";
        kinesis.createStream(b -> b.streamName(stream).shardCount(2));
        awaitActive(kinesis, stream);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean resharding = new AtomicBoolean();
        List<Long> before = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Long> during = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> callers = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            int caller = c;
            callers.add(pool.submit(() -> {
                Random random = new Random(caller);
                List<PutRecordsRequestEntry> batch = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    batch.add(PutRecordsRequestEntry.builder().partitionKey("pk-" + random.nextInt(1_000_000))
                            .data(SdkBytes.fromByteArray(payload(random))).build());
                }
                try (KinesisClient client = client(endpoint)) {
                    while (!stop.get()) {
                        boolean measuringReshard = resharding.get();
                        long start = System.nanoTime();
                        PutRecordsResponse r = client.putRecords(b -> b.streamName(stream).records(batch));
                        long took = System.nanoTime() - start;
                        if (r.failedRecordCount() > 0) {
                            throw new IllegalStateException(r.failedRecordCount() + " records failed during resharding");
                        }
                        (measuringReshard ? during : before).add(took);
                    }
                }
                return null;
            }));
        }
        TimeUnit.SECONDS.sleep(5);
        resharding.set(true);
        java.math.BigInteger half = java.math.BigInteger.TWO.pow(127);
        kinesis.splitShard(b -> b.streamName(stream).shardToSplit("shardId-000000000000")
                .newStartingHashKey(half.shiftRight(1).toString()));
        awaitActive(kinesis, stream);
        kinesis.splitShard(b -> b.streamName(stream).shardToSplit("shardId-000000000001")
                .newStartingHashKey(half.add(half.shiftRight(1)).toString()));
        awaitActive(kinesis, stream);
        kinesis.mergeShards(b -> b.streamName(stream).shardToMerge("shardId-000000000002").adjacentShardToMerge("shardId-000000000003"));
        awaitActive(kinesis, stream);
        stop.set(true);
        for (Future<?> f : callers) {
            f.get();
        }
        pool.shutdown();
        return new double[][] {percentiles(before), percentiles(during)};
    }

    /** {p50, p99} of nanosecond samples, in milliseconds. */
    static double[] percentiles(List<Long> samples) {
        long[] sorted = samples.stream().mapToLong(Long::longValue).sorted().toArray();
        if (sorted.length == 0) {
            throw new IllegalStateException("no sample was taken");
        }
        return new double[] {percentile(sorted, 0.50), percentile(sorted, 0.99)};
    }

    private static double percentile(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    private static double processCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    static void awaitActive(KinesisClient kinesis, String stream) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamStatus() != StreamStatus.ACTIVE) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(stream + " did not become ACTIVE");
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    static KinesisClient client(String endpoint) {
        return KinesisClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(16))
                .build();
    }
}
