package io.runnel.server.api.kinesis;

import io.runnel.server.testing.Clients;
import io.runnel.server.testing.RunnelServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ChildShard;
import software.amazon.awssdk.services.kinesis.model.Consumer;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StartingPosition;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Enhanced fan-out as the AWS SDK's async client uses it: register a consumer, subscribe to every shard over
 * HTTP/2, follow shard ends to the children, and read each record exactly once, in per-key order.
 */
@ExtendWith(RunnelServerExtension.class)
class EnhancedFanOutTest {

    private static final int KEYS = 20;

    @Test
    void aConsumerIsRegisteredDescribedListedAndDeregistered() {
        String stream = "efo-lifecycle";
        try (KinesisClient kinesis = Clients.sync(RunnelServerExtension.server().endpoint(), true)) {
            kinesis.createStream(b -> b.streamName(stream).shardCount(1));
            Clients.awaitActive(kinesis, stream);
            String streamArn = kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamARN();

            Consumer registered = kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("app")).consumer();
            assertThat(registered.consumerStatus()).isEqualTo(ConsumerStatus.CREATING);
            assertThat(registered.consumerARN()).matches("arn:aws:kinesis:us-east-1:\\d{12}:stream/efo-lifecycle/consumer/app:\\d+");
            assertThatThrownBy(() -> kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("app")))
                    .isInstanceOf(ResourceInUseException.class);
            awaitConsumerActive(kinesis, registered.consumerARN());
            assertThat(kinesis.describeStreamConsumer(b -> b.streamARN(streamArn).consumerName("app")).consumerDescription()
                    .consumerARN()).isEqualTo(registered.consumerARN());
            assertThat(kinesis.listStreamConsumers(b -> b.streamARN(streamArn)).consumers())
                    .extracting(Consumer::consumerName).containsExactly("app");
            assertThat(kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().consumerCount()).isEqualTo(1);

            assertThatThrownBy(() -> kinesis.deleteStream(b -> b.streamName(stream))).isInstanceOf(ResourceInUseException.class)
                    .hasMessageContaining("consumers");
            kinesis.deregisterStreamConsumer(b -> b.consumerARN(registered.consumerARN()));
            assertThat(kinesis.describeStreamConsumer(b -> b.consumerARN(registered.consumerARN())).consumerDescription()
                    .consumerStatus()).isEqualTo(ConsumerStatus.DELETING);
            await().atMost(Duration.ofSeconds(30)).until(() -> kinesis.listStreamConsumers(b -> b.streamARN(streamArn)).consumers().isEmpty());
            assertThatThrownBy(() -> kinesis.describeStreamConsumer(b -> b.consumerARN(registered.consumerARN())))
                    .isInstanceOf(ResourceNotFoundException.class);
            kinesis.deleteStream(b -> b.streamName(stream));
        }
    }

    @Test
    void subscriptionsDeliverEveryRecordOnceInKeyOrderAcrossASplit() throws Exception {
        String stream = "efo-split";
        KinesisClient kinesis = Clients.sync(RunnelServerExtension.server().endpoint(), true);
        KinesisAsyncClient async = Clients.async(RunnelServerExtension.server().endpoint());
        String consumerArn = activeConsumerOfNewStream(kinesis, stream, 2, "reader");

        LineageReader reader = new LineageReader(async, consumerArn);
        for (Shard shard : kinesis.listShards(b -> b.streamName(stream)).shards()) {
            reader.start(shard.shardId(), StartingPosition.builder().type(ShardIteratorType.TRIM_HORIZON).build());
        }
        // Once the first subscription to shard 0 is under way, a second within five seconds is refused.
        await().atMost(Duration.ofSeconds(30)).until(() -> reader.subscribed.contains("shardId-000000000000"));
        assertThatThrownBy(() -> async.subscribeToShard(b -> b.consumerARN(consumerArn).shardId("shardId-000000000000")
                .startingPosition(p -> p.type(ShardIteratorType.LATEST)), SubscribeToShardResponseHandler.builder()
                .subscriber(e -> { }).build()).join())
                .isInstanceOf(CompletionException.class).hasCauseInstanceOf(ResourceInUseException.class);

        AtomicBoolean stop = new AtomicBoolean();
        Map<String, Integer> acknowledged = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<?> producer = pool.submit(() -> produce(stream, stop, acknowledged));
        await().atMost(Duration.ofSeconds(60)).until(() -> total(acknowledged) > 1000);
        Shard first = kinesis.listShards(b -> b.streamName(stream)).shards().get(0);
        BigInteger middle = new BigInteger(first.hashKeyRange().startingHashKey())
                .add(new BigInteger(first.hashKeyRange().endingHashKey())).shiftRight(1);
        kinesis.splitShard(b -> b.streamName(stream).shardToSplit(first.shardId()).newStartingHashKey(middle.toString()));
        Clients.awaitActive(kinesis, stream);
        int beforeSplit = total(acknowledged);
        await().atMost(Duration.ofSeconds(60)).until(() -> total(acknowledged) > beforeSplit + 1000);
        stop.set(true);
        producer.get();
        pool.shutdown();

        await().atMost(Duration.ofSeconds(60)).until(() -> reader.count() >= total(acknowledged));
        assertThat(reader.errors).isEmpty();
        assertThat(reader.endedShards).contains(first.shardId());
        for (Map.Entry<String, Integer> e : acknowledged.entrySet()) {
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < e.getValue(); i++) {
                expected.add(i);
            }
            assertThat(reader.seen.get(e.getKey())).as("records of key %s, in the order delivered", e.getKey()).isEqualTo(expected);
        }
        List<Long> latencies = new ArrayList<>(reader.latencies);
        Collections.sort(latencies);
        System.out.printf("EFO put-to-delivery latency over %d records: p50 %d ms, p99 %d ms%n", latencies.size(),
                latencies.get(latencies.size() / 2), latencies.get(latencies.size() * 99 / 100));
        reader.subscriptions.forEach(f -> f.cancel(true));
        async.close();
        kinesis.close();
    }

    @Test
    void aSubscriptionMadeFiveSecondsAfterAnotherTakesOverAndTheOtherFailsWithResourceInUse() throws Exception {
        String stream = "efo-take-over";
        KinesisClient kinesis = Clients.sync(RunnelServerExtension.server().endpoint(), true);
        KinesisAsyncClient async = Clients.async(RunnelServerExtension.server().endpoint());
        String consumerArn = activeConsumerOfNewStream(kinesis, stream, 1, "taken");

        CompletableFuture<Void> firstAnswered = new CompletableFuture<>();
        CompletableFuture<Void> first = subscribeLatest(async, consumerArn, firstAnswered);
        firstAnswered.get(30, java.util.concurrent.TimeUnit.SECONDS);
        // Refused while the first is under five seconds old; the first attempt after that is answered and takes over.
        CompletableFuture<Void>[] second = new CompletableFuture[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
            CompletableFuture<Void> answered = new CompletableFuture<>();
            CompletableFuture<Void> attempt = subscribeLatest(async, consumerArn, answered);
            CompletableFuture.anyOf(answered, attempt.exceptionally(e -> null)).get(30, java.util.concurrent.TimeUnit.SECONDS);
            if (answered.isDone()) {
                second[0] = attempt;
                return true;
            }
            assertThatThrownBy(attempt::join).hasCauseInstanceOf(ResourceInUseException.class);
            return false;
        });

        assertThatThrownBy(() -> first.get(30, java.util.concurrent.TimeUnit.SECONDS))
                .hasCauseInstanceOf(ResourceInUseException.class).hasMessageContaining("has taken over this one");
        assertThat(second[0]).isNotDone();
        second[0].cancel(true);
        async.close();
        kinesis.close();
    }

    /** Subscribes from LATEST; {@code answered} completes once the server has accepted (its initial response). */
    private static CompletableFuture<Void> subscribeLatest(KinesisAsyncClient async, String consumerArn, CompletableFuture<Void> answered) {
        return async.subscribeToShard(b -> b.consumerARN(consumerArn).shardId("shardId-000000000000")
                .startingPosition(p -> p.type(ShardIteratorType.LATEST)), SubscribeToShardResponseHandler.builder()
                .onResponse(r -> answered.complete(null)).subscriber(e -> { }).build());
    }

    /** Subscribes to a shard and, at its end, to its children once all their parents have ended. */
    private static final class LineageReader {
        final KinesisAsyncClient async;
        final String consumerArn;
        final Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
        final List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        final Set<String> endedShards = ConcurrentHashMap.newKeySet();
        /** The shards whose subscription the server has answered. */
        final Set<String> subscribed = ConcurrentHashMap.newKeySet();
        final List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        final List<CompletableFuture<Void>> subscriptions = Collections.synchronizedList(new ArrayList<>());

        LineageReader(KinesisAsyncClient async, String consumerArn) {
            this.async = async;
            this.consumerArn = consumerArn;
        }

        int count() {
            return seen.values().stream().mapToInt(List::size).sum();
        }

        void start(String shardId, StartingPosition position) {
            String[] continuation = {null};
            List<ChildShard> children = new ArrayList<>();
            SubscribeToShardResponseHandler handler = SubscribeToShardResponseHandler.builder()
                    .onResponse(response -> subscribed.add(shardId))
                    .subscriber(SubscribeToShardResponseHandler.Visitor.builder().onSubscribeToShardEvent(event ->
                            receive(event, continuation, children)).build())
                    .build();
            CompletableFuture<Void> done = async.subscribeToShard(b -> b.consumerARN(consumerArn).shardId(shardId)
                    .startingPosition(position), handler);
            subscriptions.add(done);
            done.whenComplete((v, error) -> {
                if (error != null) {
                    errors.add(error);
                } else if (!children.isEmpty()) {
                    endedShards.add(shardId);
                    for (ChildShard child : children) {
                        if (endedShards.containsAll(child.parentShards())) {
                            start(child.shardId(), StartingPosition.builder().type(ShardIteratorType.TRIM_HORIZON).build());
                        }
                    }
                } else {
                    start(shardId, StartingPosition.builder().type(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                            .sequenceNumber(continuation[0]).build());
                }
            });
        }

        private void receive(SubscribeToShardEvent event, String[] continuation, List<ChildShard> children) {
            long now = System.currentTimeMillis();
            for (Record record : event.records()) {
                String[] parts = record.data().asUtf8String().split(":");
                seen.computeIfAbsent(parts[0], k -> Collections.synchronizedList(new ArrayList<>())).add(Integer.parseInt(parts[1]));
                latencies.add(now - Long.parseLong(parts[2]));
            }
            continuation[0] = event.continuationSequenceNumber();
            if (event.hasChildShards()) {
                children.addAll(event.childShards());
            }
        }
    }

    /** Writes batches of "key:n:sentAt" records, n counting up per key; counts what was acknowledged. */
    private static void produce(String stream, AtomicBoolean stop, Map<String, Integer> acknowledged) {
        try (KinesisClient kinesis = Clients.sync(RunnelServerExtension.server().endpoint(), true)) {
            Map<String, Integer> next = new HashMap<>();
            while (!stop.get()) {
                List<PutRecordsRequestEntry> batch = new ArrayList<>();
                long sentAt = System.currentTimeMillis();
                for (int i = 0; i < 50; i++) {
                    String key = "k" + (i % KEYS);
                    int n = next.merge(key, 1, Integer::sum) - 1;
                    batch.add(PutRecordsRequestEntry.builder().partitionKey(key)
                            .data(SdkBytes.fromUtf8String(key + ":" + n + ":" + sentAt)).build());
                }
                PutRecordsResponse r = kinesis.putRecords(b -> b.streamName(stream).records(batch));
                assertThat(r.failedRecordCount()).isZero();
                next.forEach(acknowledged::put);
            }
        }
    }

    private static int total(Map<String, Integer> acknowledged) {
        return acknowledged.values().stream().mapToInt(i -> i).sum();
    }

    /** Creates a stream of {@code shards} shards and registers a consumer of it; returns its ARN once it is ACTIVE. */
    private static String activeConsumerOfNewStream(KinesisClient kinesis, String stream, int shards, String name) {
        kinesis.createStream(b -> b.streamName(stream).shardCount(shards));
        Clients.awaitActive(kinesis, stream);
        String streamArn = kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamARN();
        String consumerArn = kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName(name)).consumer().consumerARN();
        awaitConsumerActive(kinesis, consumerArn);
        return consumerArn;
    }

    private static void awaitConsumerActive(KinesisClient kinesis, String consumerArn) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> kinesis.describeStreamConsumer(
                b -> b.consumerARN(consumerArn)).consumerDescription().consumerStatus() == ConsumerStatus.ACTIVE);
    }
}
