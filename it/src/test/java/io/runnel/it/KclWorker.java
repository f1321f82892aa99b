package io.runnel.it;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.kinesis.common.ConfigsBuilder;
import software.amazon.kinesis.common.InitialPositionInStream;
import software.amazon.kinesis.common.InitialPositionInStreamExtended;
import software.amazon.kinesis.common.KinesisClientUtil;
import software.amazon.kinesis.coordinator.Scheduler;
import software.amazon.kinesis.exceptions.InvalidStateException;
import software.amazon.kinesis.exceptions.ShutdownException;
import software.amazon.kinesis.lifecycle.events.InitializationInput;
import software.amazon.kinesis.lifecycle.events.LeaseLostInput;
import software.amazon.kinesis.lifecycle.events.ProcessRecordsInput;
import software.amazon.kinesis.lifecycle.events.ShardEndedInput;
import software.amazon.kinesis.lifecycle.events.ShutdownRequestedInput;
import software.amazon.kinesis.processor.RecordProcessorCheckpointer;
import software.amazon.kinesis.processor.ShardRecordProcessor;
import software.amazon.kinesis.processor.SingleStreamTracker;
import software.amazon.kinesis.retrieval.KinesisClientRecord;
import software.amazon.kinesis.retrieval.polling.PollingConfig;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * One worker of a KCL 3 consumer application, configured as a user points one at Runnel: the three clients with
 * {@code endpointOverride}, nothing else changed. It reads from the start of the stream and checkpoints after every
 * batch.
 */
final class KclWorker implements AutoCloseable {

    /** Failover time shorter than KCL's 10 s default, so that a test sees leases move in seconds. */
    static final long FAILOVER_MILLIS = 5_000;

    private final KinesisAsyncClient kinesis;
    private final DynamoDbAsyncClient dynamo;
    private final CloudWatchAsyncClient cloudWatch;
    private final Scheduler scheduler;
    private final Thread thread;

    /**
     * What the workers of one application read: every user record, by how many times and by which worker, and any
     * that came before one already read from its shard (by sequence number, then place in its aggregate).
     */
    static final class Consumed {
        final Map<String, Integer> times = new ConcurrentHashMap<>();
        final List<String> outOfOrder = new CopyOnWriteArrayList<>();
        final Map<String, String> lastInShard = new ConcurrentHashMap<>();
        final Map<String, Integer> byWorker = new ConcurrentHashMap<>();
        /** Records handed over that are not one user record: an aggregate the KCL could not take apart. */
        final List<String> unreadable = new CopyOnWriteArrayList<>();

        void add(String worker, String shardId, KinesisClientRecord record) {
            ByteBuffer data = record.data().duplicate();
            String id = StandardCharsets.UTF_8.decode(record.data()).toString();
            if (!id.matches("key-\\d+:\\d+")) {
                byte[] head = new byte[Math.min(8, data.remaining())];
                data.get(head);
                unreadable.add(shardId + "/" + record.sequenceNumber() + "/" + record.subSequenceNumber() + " aggregated="
                        + record.aggregated() + " " + data.capacity() + " bytes starting " + java.util.HexFormat.of().formatHex(head));
                return;
            }
            times.merge(id, 1, Integer::sum);
            byWorker.merge(worker, 1, Integer::sum);
            // Sequence numbers are 56 digits: as text of one length they order as numbers do.
            String position = record.sequenceNumber() + String.format("/%010d", record.subSequenceNumber());
            String last = lastInShard.put(shardId, position);
            if (last != null && last.compareTo(position) >= 0) {
                outOfOrder.add(id + " at " + position + " after " + last + " in " + shardId);
            }
        }

        int distinct() {
            return times.size();
        }
    }

    KclWorker(URI endpoint, String stream, String application, String workerId, boolean fanOut, Consumed consumed) {
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("runnel", "runnel-secret"));
        kinesis = KinesisClientUtil.createKinesisAsyncClient(KinesisAsyncClient.builder()
                .endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(credentials));
        dynamo = DynamoDbAsyncClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(credentials).build();
        cloudWatch = CloudWatchAsyncClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(credentials).build();
        ConfigsBuilder configs = new ConfigsBuilder(new SingleStreamTracker(stream,
                InitialPositionInStreamExtended.newInitialPosition(InitialPositionInStream.TRIM_HORIZON)),
                application, kinesis, dynamo, cloudWatch, workerId, () -> new Processor(workerId, consumed));
        scheduler = new Scheduler(configs.checkpointConfig(), configs.coordinatorConfig(),
                configs.leaseManagementConfig().failoverTimeMillis(FAILOVER_MILLIS).leaseAssignmentIntervalMillis(2_000L)
                        .shardSyncIntervalMillis(5_000),
                configs.lifecycleConfig(), configs.metricsConfig(), configs.processorConfig(),
                fanOut ? configs.retrievalConfig() : configs.retrievalConfig().retrievalSpecificConfig(
                        new PollingConfig(stream, kinesis).idleTimeBetweenReadsInMillis(200)));
        thread = new Thread(scheduler, "kcl-" + workerId);
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops as a user stops a worker: records in hand are checkpointed, then its leases are left for others. */
    void stop() throws Exception {
        scheduler.startGracefulShutdown().get(2, TimeUnit.MINUTES);
        thread.join(TimeUnit.MINUTES.toMillis(1));
    }

    @Override
    public void close() throws Exception {
        if (!scheduler.shutdownComplete() && !scheduler.hasGracefulShutdownStarted()) {
            scheduler.shutdown();
        }
        thread.join(TimeUnit.MINUTES.toMillis(1));
        kinesis.close();
        dynamo.close();
        cloudWatch.close();
    }

    private static final class Processor implements ShardRecordProcessor {
        private final String worker;
        private final Consumed consumed;
        private String shardId;

        Processor(String worker, Consumed consumed) {
            this.worker = worker;
            this.consumed = consumed;
        }

        @Override
        public void initialize(InitializationInput input) {
            shardId = input.shardId();
        }

        @Override
        public void processRecords(ProcessRecordsInput input) {
            input.records().forEach(r -> consumed.add(worker, shardId, r));
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

        private static void checkpoint(RecordProcessorCheckpointer checkpointer) {
            try {
                checkpointer.checkpoint();
            } catch (ShutdownException e) {
                // The lease moved on: its new owner starts from the last checkpoint.
            } catch (InvalidStateException | software.amazon.kinesis.exceptions.ThrottlingException e) {
                throw new IllegalStateException("checkpoint failed", e);
            }
        }
    }
}
