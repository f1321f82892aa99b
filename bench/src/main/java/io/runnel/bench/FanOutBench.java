package io.runnel.bench;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StartingPosition;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Enhanced fan-out: put-to-delivery latency of SubscribeToShard at a steady rate, beside a Kafka consumer
 * reading the same records from the same broker; then how fast five consumers each read a loaded stream
 * through SubscribeToShard, beside five Kafka consumers reading its topic.
 */
final class FanOutBench {

    private static final String STREAM = "bench-efo";
    private static final int SHARDS = 4;
    private static final Duration LATENCY_WARMUP = Duration.ofSeconds(3);
    private static final int CONSUMERS = 5;
    private static final int LOADED_RECORDS = 1_000_000;

    private FanOutBench() {
    }

    static void run(String[] args) throws Exception {
        Path dir = Bench.scratchDir("runnel-bench");
        System.out.println("Runnel bench: efo (" + Runtime.getRuntime().availableProcessors() + " cores; client and server on this machine)");
        try (ServerProcess server = ServerProcess.start(dir.resolve("data"));
             KinesisClient kinesis = StreamsBench.client(server.endpoint);
             KinesisAsyncClient async = asyncClient(server.endpoint)) {
            kinesis.createStream(b -> b.streamName(STREAM).shardCount(SHARDS));
            kinesis.createStream(b -> b.streamName(STREAM + "-loaded").shardCount(SHARDS));
            StreamsBench.awaitActive(kinesis, STREAM);
            StreamsBench.awaitActive(kinesis, STREAM + "-loaded");
            List<String> consumers = new ArrayList<>();
            for (int c = 0; c < CONSUMERS; c++) {
                consumers.add(register(kinesis, STREAM + "-loaded", "reader-" + c));
            }
            String latencyConsumer = register(kinesis, STREAM, "latency");

            String part = args.length > 0 ? args[0] : "all";
            if (!part.equals("read")) {
                double[][] latency = latency(server, kinesis, async, latencyConsumer);
                System.out.printf("put-to-delivery at %,d records/s: SubscribeToShard p50 %.1f ms, p99 %.1f ms; "
                        + "Kafka consumer p50 %.1f ms, p99 %.1f ms   (floor p99 < 100 ms: %s)%n", StreamsBench.LATENCY_RATE,
                        latency[0][0], latency[0][1], latency[1][0], latency[1][1], latency[0][1] < 100 ? "met" : "NOT met");
            }
            if (part.equals("latency")) {
                return;
            }
            load(server.endpoint, STREAM + "-loaded", LOADED_RECORDS);
            double kafka = kafkaReaders(server.bootstrapServers, "runnel." + STREAM + "-loaded", LOADED_RECORDS);
            double efo = subscribers(async, kinesis, consumers, STREAM + "-loaded", LOADED_RECORDS);
            System.out.printf("%d consumers reading %,d records each, concurrently: SubscribeToShard %,.0f records/s per consumer, "
                    + "Kafka consumers %,.0f records/s per consumer; ratio %.2f%n", CONSUMERS, LOADED_RECORDS, efo, kafka, efo / kafka);
        }
    }

    private static String register(KinesisClient kinesis, String stream, String name) throws InterruptedException {
        String streamArn = kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamARN();
        String arn = kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName(name)).consumer().consumerARN();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (kinesis.describeStreamConsumer(b -> b.consumerARN(arn)).consumerDescription().consumerStatus() != ConsumerStatus.ACTIVE) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("consumer " + name + " did not become ACTIVE");
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        return arn;
    }

    /** Returns {EFO p50, p99}, {Kafka p50, p99} in milliseconds. */
    private static double[][] latency(ServerProcess server, KinesisClient kinesis, KinesisAsyncClient async, String consumer)
            throws Exception {
        long measureFrom = System.nanoTime() + LATENCY_WARMUP.toNanos();
        List<Long> efo = new ArrayList<>();
        List<Long> kafka = new ArrayList<>();
        List<CompletableFuture<Void>> subscriptions = new ArrayList<>();
        for (int shard = 0; shard < SHARDS; shard++) {
            subscriptions.add(subscribe(async, consumer, "shardId-" + shard, ShardIteratorType.LATEST, data -> {
                long now = System.nanoTime();
                long sent = ByteBuffer.wrap(data).getLong();
                if (sent >= measureFrom) {
                    synchronized (efo) {
                        efo.add(now - sent);
                    }
                }
            }));
        }
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<?> kafkaReader = pool.submit(() -> {
            try (KafkaConsumer<byte[], byte[]> c = kafkaConsumer(server.bootstrapServers)) {
                List<TopicPartition> partitions = partitions("runnel." + STREAM);
                c.assign(partitions);
                c.seekToEnd(partitions);
                partitions.forEach(c::position);
                while (!stop.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                        long now = System.nanoTime();
                        long sent = ByteBuffer.wrap(r.value()).getLong();
                        if (sent >= measureFrom) {
                            kafka.add(now - sent);
                        }
                    }
                }
            }
            return null;
        });
        StreamsBench.putAtSteadyRate(kinesis, STREAM);
        TimeUnit.MILLISECONDS.sleep(500);
        stop.set(true);
        kafkaReader.get();
        pool.shutdown();
        subscriptions.forEach(s -> s.cancel(true));
        return new double[][] {StreamsBench.percentiles(efo), StreamsBench.percentiles(kafka)};
    }

    /** Subscribes to one shard, handing each record's data to {@code data}. */
    private static CompletableFuture<Void> subscribe(KinesisAsyncClient async, String consumer, String shardId, ShardIteratorType type,
                                                     java.util.function.Consumer<byte[]> data) {
        SubscribeToShardResponseHandler handler = SubscribeToShardResponseHandler.builder()
                .subscriber(SubscribeToShardResponseHandler.Visitor.builder().onSubscribeToShardEvent(e -> {
                    for (Record r : e.records()) {
                        data.accept(r.data().asByteArrayUnsafe());
                    }
                }).build())
                .build();
        return async.subscribeToShard(b -> b.consumerARN(consumer).shardId(shardId)
                .startingPosition(StartingPosition.builder().type(type).build()), handler);
    }

    private static void load(String endpoint, String stream, int records) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicLong remaining = new AtomicLong(records);
        List<Future<?>> callers = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            int caller = c;
            callers.add(pool.submit(() -> {
                Random random = new Random(caller);
                List<PutRecordsRequestEntry> batch = new ArrayList<>();
                for (int i = 0; i < 500; i++) {
                    batch.add(PutRecordsRequestEntry.builder().partitionKey("pk-" + random.nextInt(1_000_000))
                            .data(SdkBytes.fromByteArray(StreamsBench.payload(random))).build());
                }
                try (KinesisClient kinesis = StreamsBench.client(endpoint)) {
                    while (remaining.getAndAdd(-500) > 0) {
                        kinesis.putRecords(b -> b.streamName(stream).records(batch));
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : callers) {
            f.get();
        }
        pool.shutdown();
    }

    /** Every consumer subscribes to every shard from TRIM_HORIZON; returns the median per-consumer records/s. */
    private static double subscribers(KinesisAsyncClient async, KinesisClient kinesis, List<String> consumers, String stream,
                                      int records) throws Exception {
        int total = kinesis.listShards(b -> b.streamName(stream)).shards().size();
        double[] rates = new double[consumers.size()];
        List<CompletableFuture<Void>> finished = new ArrayList<>();
        List<CompletableFuture<Void>> subscriptions = new ArrayList<>();
        List<AtomicLong> counts = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < consumers.size(); c++) {
            int consumer = c;
            AtomicLong read = new AtomicLong();
            counts.add(read);
            CompletableFuture<Void> done = new CompletableFuture<>();
            finished.add(done);
            LongConsumer count = n -> {
                if (read.addAndGet(n) >= records && !done.isDone()) {
                    rates[consumer] = records / ((System.nanoTime() - start) / 1e9);
                    done.complete(null);
                }
            };
            for (int shard = 0; shard < total; shard++) {
                subscriptions.add(subscribe(async, consumers.get(c), "shardId-" + shard, ShardIteratorType.TRIM_HORIZON,
                        data -> count.accept(1)));
            }
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(finished.toArray(CompletableFuture[]::new));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4); // within a subscription's five minutes
        while (!all.isDone()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("consumers did not read every record within 4 minutes; read " + counts);
            }
            TimeUnit.SECONDS.sleep(1);
        }
        subscriptions.forEach(s -> s.cancel(true));
        return ConnectorBench.median(rates);
    }

    /** Five Kafka consumers each read the whole topic at once; returns the median per-consumer records/s. */
    private static double kafkaReaders(String bootstrap, String topic, int records) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CONSUMERS);
        List<Future<Double>> readers = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < CONSUMERS; c++) {
            readers.add(pool.submit(() -> {
                try (KafkaConsumer<byte[], byte[]> k = kafkaConsumer(bootstrap)) {
                    List<TopicPartition> partitions = partitions(topic);
                    k.assign(partitions);
                    k.seekToBeginning(partitions);
                    long read = 0;
                    while (read < records) {
                        read += k.poll(Duration.ofMillis(100)).count();
                    }
                    return records / ((System.nanoTime() - start) / 1e9);
                }
            }));
        }
        double[] rates = new double[CONSUMERS];
        for (int c = 0; c < CONSUMERS; c++) {
            rates[c] = readers.get(c).get();
        }
        pool.shutdown();
        return ConnectorBench.median(rates);
    }

    private static List<TopicPartition> partitions(String topic) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (int i = 0; i < SHARDS; i++) {
            partitions.add(new TopicPartition(topic, i));
        }
        return partitions;
    }

    private static KafkaConsumer<byte[], byte[]> kafkaConsumer(String bootstrap) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static KinesisAsyncClient asyncClient(String endpoint) {
        return KinesisAsyncClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency(64))
                .build();
    }
}
