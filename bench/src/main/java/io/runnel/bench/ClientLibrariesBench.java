package io.runnel.bench;

import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.services.kinesis.producer.KinesisProducer;
import com.amazonaws.services.kinesis.producer.KinesisProducerConfiguration;
import com.amazonaws.services.kinesis.producer.UserRecordResult;
import com.google.common.util.concurrent.ListenableFuture;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.kinesis.common.ConfigsBuilder;
import software.amazon.kinesis.common.InitialPositionInStream;
import software.amazon.kinesis.common.InitialPositionInStreamExtended;
import software.amazon.kinesis.common.KinesisClientUtil;
import software.amazon.kinesis.coordinator.Scheduler;
import software.amazon.kinesis.lifecycle.events.InitializationInput;
import software.amazon.kinesis.lifecycle.events.LeaseLostInput;
import software.amazon.kinesis.lifecycle.events.ProcessRecordsInput;
import software.amazon.kinesis.lifecycle.events.ShardEndedInput;
import software.amazon.kinesis.lifecycle.events.ShutdownRequestedInput;
import software.amazon.kinesis.processor.ShardRecordProcessor;
import software.amazon.kinesis.processor.SingleStreamTracker;
import software.amazon.kinesis.retrieval.polling.PollingConfig;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The Kinesis client libraries against Runnel: a KPL producer's user records a second (its native daemon, over TLS,
 * aggregating) beside the same records put with the SDK's PutRecords; a two-worker KCL application's records a second
 * reading them back; and how long leases take to move once a worker stops.
 */
final class ClientLibrariesBench {

    private static final int USER_RECORDS = 200_000;
    private static final int RECORD_BYTES = 100;
    private static final int KEYS = 1_000;
    private static final int SDK_THREADS = 4;
    private static final long FAILOVER_MILLIS = 5_000;
    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench"));

    private ClientLibrariesBench() {
    }

    static void run(String[] args) throws Exception {
        Path dir = Bench.scratchDir("runnel-bench");
        System.out.println("Runnel bench: clients (" + Runtime.getRuntime().availableProcessors() + " cores; client and server on this machine)");
        try (ServerProcess server = ServerProcess.start(dir.resolve("data"));
             KinesisClient kinesis = StreamsBench.client(server.endpoint)) {
            for (String stream : List.of("bench-kpl", "bench-sdk")) {
                kinesis.createStream(b -> b.streamName(stream).shardCount(4));
                StreamsBench.awaitActive(kinesis, stream);
            }
            double sdk = sdkPutRecords(kinesis);
            double kpl = kpl(server.httpsEndpoint, dir);
            System.out.printf("producer, %,d user records of %d bytes: KPL (aggregated, over TLS) %,.0f records/s; "
                    + "SDK PutRecords (%d threads, 500 a request) %,.0f records/s; ratio %.2f%n",
                    USER_RECORDS, RECORD_BYTES, kpl, SDK_THREADS, sdk, kpl / sdk);
            consume(URI.create(server.endpoint));
        }
    }

    private static byte[] record(int i) {
        byte[] data = new byte[RECORD_BYTES];
        ByteBuffer.wrap(data).putInt(i);
        return data;
    }

    private static double sdkPutRecords(KinesisClient kinesis) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(SDK_THREADS);
        long start = System.nanoTime();
        List<Future<?>> threads = new ArrayList<>();
        for (int t = 0; t < SDK_THREADS; t++) {
            int thread = t;
            threads.add(pool.submit(() -> {
                for (int from = thread * 500; from < USER_RECORDS; from += SDK_THREADS * 500) {
                    List<PutRecordsRequestEntry> entries = new ArrayList<>();
                    for (int i = from; i < Math.min(from + 500, USER_RECORDS); i++) {
                        entries.add(PutRecordsRequestEntry.builder().partitionKey("key-" + i % KEYS)
                                .data(SdkBytes.fromByteArray(record(i))).build());
                    }
                    if (kinesis.putRecords(b -> b.streamName("bench-sdk").records(entries)).failedRecordCount() > 0) {
                        throw new IllegalStateException("PutRecords failed records");
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : threads) {
            f.get();
        }
        pool.shutdown();
        return USER_RECORDS / ((System.nanoTime() - start) / 1e9);
    }

    private static double kpl(URI https, Path dir) throws Exception {
        KinesisProducer producer = new KinesisProducer(new KinesisProducerConfiguration()
                .setRegion("us-east-1")
                .setKinesisEndpoint(https.getHost()).setKinesisPort(https.getPort())
                .setStsEndpoint(https.getHost()).setStsPort(https.getPort())
                .setCloudwatchEndpoint(https.getHost()).setCloudwatchPort(https.getPort())
                .setVerifyCertificate(false)
                .setCredentialsProvider(new AWSStaticCredentialsProvider(new BasicAWSCredentials("bench", "bench")))
                .setLogLevel("warning")
                .setTempDirectory(dir.toString()));
        try {
            long start = System.nanoTime();
            List<ListenableFuture<UserRecordResult>> results = new ArrayList<>(USER_RECORDS);
            for (int i = 0; i < USER_RECORDS; i++) {
                while (producer.getOutstandingRecordsCount() > 50_000) {
                    TimeUnit.MILLISECONDS.sleep(1); // the KPL tells of room in its buffer only through this count
                }
                results.add(producer.addUserRecord("bench-kpl", "key-" + i % KEYS, ByteBuffer.wrap(record(i))));
            }
            producer.flushSync();
            for (ListenableFuture<UserRecordResult> r : results) {
                if (!r.get().isSuccessful()) {
                    throw new IllegalStateException("the KPL failed a user record");
                }
            }
            return USER_RECORDS / ((System.nanoTime() - start) / 1e9);
        } finally {
            producer.destroy();
        }
    }

    /** Two KCL workers read what the KPL wrote; then the one that does not lead stops, and its leases move. */
    private static void consume(URI endpoint) throws Exception {
        AtomicLong read = new AtomicLong();
        AtomicLong firstReadAt = new AtomicLong();
        List<Scheduler> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (String id : List.of("worker-a", "worker-b")) {
            Scheduler s = worker(endpoint, id, read, firstReadAt);
            workers.add(s);
            Thread t = new Thread(s, "kcl-" + id);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (read.get() < USER_RECORDS) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the KCL read " + read.get() + " of " + USER_RECORDS + " user records");
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        long end = System.nanoTime();
        double reading = (end - firstReadAt.get()) / 1e9;
        System.out.printf("consumer, KCL 3 polling with 2 workers: %,.0f user records/s from the first record read to the last "
                + "(%.1f s; the workers started %.1f s before their first read: lease table, leader election, lease assignment)%n",
                USER_RECORDS / reading, reading, (firstReadAt.get() - start) / 1e9);

        try (DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS).build()) {
            String leader = dynamo.getItem(b -> b.tableName("bench-app-CoordinatorState").consistentRead(true)
                    .key(java.util.Map.of("key", AttributeValue.fromS("Leader")))).item().get("ownerName").s();
            int stopping = leader.equals("worker-a") ? 1 : 0;
            String stopped = stopping == 0 ? "worker-a" : "worker-b";
            // The worker that does not lead stops, once it holds leases: a stopped leader's lock waits on the KCL's own
            // 30 s before the other worker asks for it again.
            long waiting = System.nanoTime();
            while (owned(dynamo, stopped).isEmpty()) {
                if (System.nanoTime() - waiting > TimeUnit.MINUTES.toNanos(3)) {
                    throw new IllegalStateException(stopped + " was given no lease");
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
            Set<String> leases = owned(dynamo, stopped);
            workers.get(stopping).startGracefulShutdown().get(2, TimeUnit.MINUTES);
            long stoppedAt = System.nanoTime();
            while (!owned(dynamo, stopped).isEmpty()) {
                if (System.nanoTime() - stoppedAt > TimeUnit.MINUTES.toNanos(3)) {
                    throw new IllegalStateException("the leases of " + stopped + " did not move");
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
            System.out.printf("failover: the %d leases of a stopped worker moved to the other %,d ms after it stopped "
                    + "(KCL failover time %,d ms)%n", leases.size(), (System.nanoTime() - stoppedAt) / 1_000_000, FAILOVER_MILLIS);
        } finally {
            // Stopped before the server is: a worker left running would only log that the server went away.
            for (Scheduler s : workers) {
                if (!s.hasGracefulShutdownStarted()) {
                    s.startGracefulShutdown().get(2, TimeUnit.MINUTES);
                }
            }
        }
    }

    private static Set<String> owned(DynamoDbClient dynamo, String worker) {
        return dynamo.scanPaginator(b -> b.tableName("bench-app").consistentRead(true)).items().stream()
                .filter(i -> i.containsKey("leaseOwner") && i.get("leaseOwner").s().equals(worker))
                .map(i -> i.get("leaseKey").s()).collect(Collectors.toSet());
    }

    private static Scheduler worker(URI endpoint, String id, AtomicLong read, AtomicLong firstReadAt) {
        KinesisAsyncClient kinesis = KinesisClientUtil.createKinesisAsyncClient(KinesisAsyncClient.builder()
                .endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(CREDENTIALS));
        DynamoDbAsyncClient dynamo = DynamoDbAsyncClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS).build();
        CloudWatchAsyncClient cloudWatch = CloudWatchAsyncClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS).build();
        ConfigsBuilder configs = new ConfigsBuilder(new SingleStreamTracker("bench-kpl",
                InitialPositionInStreamExtended.newInitialPosition(InitialPositionInStream.TRIM_HORIZON)),
                "bench-app", kinesis, dynamo, cloudWatch, id, () -> new Counter(read, firstReadAt));
        return new Scheduler(configs.checkpointConfig(), configs.coordinatorConfig(),
                configs.leaseManagementConfig().failoverTimeMillis(FAILOVER_MILLIS).leaseAssignmentIntervalMillis(2_000L),
                configs.lifecycleConfig(), configs.metricsConfig(), configs.processorConfig(),
                configs.retrievalConfig().retrievalSpecificConfig(new PollingConfig("bench-kpl", kinesis)));
    }

    /** Counts user records and checkpoints after each batch. */
    private record Counter(AtomicLong read, AtomicLong firstReadAt) implements ShardRecordProcessor {
        @Override
        public void initialize(InitializationInput input) {
        }

        @Override
        public void processRecords(ProcessRecordsInput input) {
            firstReadAt.compareAndSet(0, System.nanoTime());
            read.addAndGet(input.records().size());
            checkpoint(input.checkpointer());
        }

        @Override
        public void leaseLost(LeaseLostInput input) {
        }

        @Override
        public void shardEnded(ShardEndedInput input) {
            checkpoint(input.checkpointer());
        }

        @Override
        public void shutdownRequested(ShutdownRequestedInput input) {
            checkpoint(input.checkpointer());
        }

        private static void checkpoint(software.amazon.kinesis.processor.RecordProcessorCheckpointer checkpointer) {
            try {
                checkpointer.checkpoint();
            } catch (software.amazon.kinesis.exceptions.ShutdownException e) {
                // the lease moved on; its next owner starts from the last checkpoint
            } catch (Exception e) {
                throw new IllegalStateException("checkpoint failed", e);
            }
        }
    }
}
