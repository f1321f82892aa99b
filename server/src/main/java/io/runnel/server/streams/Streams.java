package io.runnel.server.streams;

import io.runnel.core.MetadataLog;
import io.runnel.core.Shard;
import io.runnel.core.StreamMetadata;
import io.runnel.core.StreamStatus;
import io.runnel.server.ControlThread;
import io.runnel.server.DaemonThreads;
import io.runnel.server.RunnelConfig;
import io.runnel.server.http.ApiException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The control plane of Data Streams: stream metadata, the Kafka topics behind streams, and the
 * transitions between stream states. Every change to a stream runs on one control thread, one change at
 * a time, so two requests can never act on the same old view of a stream (say, split one shard twice).
 */
public final class Streams implements AutoCloseable {

    /** A new stream's retention, as Kinesis's. */
    public static final int DEFAULT_RETENTION_HOURS = 24;

    private static final Logger LOG = LoggerFactory.getLogger(Streams.class);
    private static final long HOUR_MS = 3_600_000L;

    private final RunnelConfig config;
    private final MetadataLog metadata;
    private final Admin admin;
    private final ControlThread control = new ControlThread("runnel-control");
    private final Map<String, StampedLock> writeLocks = new ConcurrentHashMap<>();
    /** Topics the change under way created for streams: made again, it is not refused by its own claim. Control thread. */
    private final Set<String> claimedInChange = new HashSet<>();
    /** What the change under way releases once its attempt has committed or failed. Control thread. */
    private final List<Runnable> afterAttempt = new ArrayList<>();
    private static final int CHANGE_ATTEMPTS = 10;
    /** Where writes wait for a reshard to finish switching shards, rather than on an event loop. */
    private final ExecutorService reshardWaits = Executors.newFixedThreadPool(4, DaemonThreads.named("runnel-reshard-wait"));
    private final short replication;
    private final int minInSync;
    /** The streams (name@creation) this server put in UPDATING, whose closing shards' ends it is to record. */
    /** Streams this server moved into CREATING, UPDATING or DELETING: it moves them on; others only if it goes quiet. */
    private final java.util.Set<String> transitionsHere = ConcurrentHashMap.newKeySet();
    /** How long after the update delay another server records the ends of a reshard whose server went quiet. */
    private static final long TAKE_OVER_MS = 10_000;

    public Streams(RunnelConfig config, MetadataLog metadata, String bootstrapServers) throws Exception {
        this.config = config;
        this.metadata = metadata;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        int brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
        this.replication = (short) Math.min(3, brokers);
        this.minInSync = Math.min(2, brokers);
        control.every(50, this::reconcile);
    }

    public RunnelConfig config() {
        return config;
    }

    public Optional<StreamMetadata> find(String name) {
        return metadata.get(name);
    }

    public Collection<StreamMetadata> all() {
        return metadata.all();
    }

    /** Runs a change to streams on the control thread. */
    public <T> CompletableFuture<T> change(Callable<T> work) {
        return control.change(() -> {
            try {
                for (int attempt = 1; ; attempt++) {
                    try {
                        return metadata.serialized(work);
                    } catch (MetadataLog.ConcurrentChangeException e) {
                        if (attempt == CHANGE_ATTEMPTS) {
                            // As Kinesis answers a control-plane call it throttles; botocore and the JavaScript SDK retry it.
                            throw ApiException.limitExceeded("Other servers changed streams at the same moment; the change "
                                    + "was not made. Try again.");
                        }
                        // Made again on what the other server wrote; at a random moment, so that the two do not meet again.
                        Thread.sleep(ThreadLocalRandom.current().nextLong(10, Math.min(1000, 20L << attempt)));
                    } finally {
                        afterAttempt.forEach(Runnable::run);
                        afterAttempt.clear();
                    }
                }
            } catch (Exception e) {
                // No stream names a topic claimed by a change that was not made: drop it, or the name would stay taken.
                if (!claimedInChange.isEmpty()) {
                    admin.deleteTopics(List.copyOf(claimedInChange));
                }
                throw e;
            } finally {
                claimedInChange.clear();
            }
        });
    }

    /**
     * Runs a write to a stream's shards while no resharding can close them: the shards in the metadata
     * the write sees stay open until the write's future completes. Called on an event loop, it never waits there:
     * while a reshard switches the stream's shards (a Kafka round trip), the write waits on another thread.
     */
    public <T> CompletableFuture<T> withOpenShards(String name, Function<StreamMetadata, CompletableFuture<T>> write) {
        StampedLock lock = writeLocks.computeIfAbsent(name, n -> new StampedLock());
        long stamp = lock.tryReadLock();
        if (stamp != 0) {
            return writeHolding(lock, stamp, name, write);
        }
        return CompletableFuture.supplyAsync(lock::readLock, reshardWaits).thenCompose(s -> writeHolding(lock, s, name, write));
    }

    /**
     * Puts records to a stream while no reshard of this server can close their shards, and makes sure none is
     * acknowledged past its shard's end. Another server may close a shard while this one writes to it: a record that
     * lands after the shard's recorded end is where readers never look, so it is written again, to the shard's
     * child. A record in a shard that is closing (its end not yet recorded) is held until the end is known.
     *
     * @param missing what to throw when the stream does not exist
     */
    public CompletableFuture<List<RecordWriter.Result>> put(String name, RecordWriter writer, List<RecordWriter.Entry> entries,
                                                           Supplier<RuntimeException> missing) {
        return withOpenShards(name, stream -> {
            if (stream == null || stream.status() == StreamStatus.CREATING || stream.status() == StreamStatus.DELETING) {
                throw missing.get();
            }
            return writer.put(stream, entries);
        }).thenCompose(results -> settle(name, writer, entries, results,
                System.nanoTime() + config.updateStreamDelay.toNanos() + TimeUnit.SECONDS.toNanos(5)));
    }

    private static final long SETTLE_PAUSE_MS = 10;

    /** Completes with the results once none is in a closing shard, or past the deadline (a shard whose end is never recorded). */
    private CompletableFuture<List<RecordWriter.Result>> settle(String name, RecordWriter writer, List<RecordWriter.Entry> entries,
                                                               List<RecordWriter.Result> results, long deadline) {
        StreamMetadata now = metadata.get(name).orElse(null);
        if (now == null) {
            return CompletableFuture.completedFuture(results);
        }
        boolean unsure = false;
        List<Integer> stranded = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            RecordWriter.Result r = results.get(i);
            Shard shard = r.failed() ? null : now.shard(r.shardIndex());
            if (shard == null || shard.open()) {
                continue;
            }
            if (!shard.ended()) {
                unsure = true;
            } else if (r.offset() >= shard.endOffset()) {
                stranded.add(i);
            }
        }
        if (unsure && System.nanoTime() < deadline) {
            return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(SETTLE_PAUSE_MS, TimeUnit.MILLISECONDS,
                    reshardWaits)).thenCompose(v -> settle(name, writer, entries, results, deadline));
        }
        if (unsure) {
            // A shard whose end is never recorded: whether its records are readable is unknown, so none is acknowledged.
            List<RecordWriter.Result> failed = new ArrayList<>(results);
            for (int i = 0; i < failed.size(); i++) {
                RecordWriter.Result r = failed.get(i);
                Shard shard = r.failed() ? null : now.shard(r.shardIndex());
                if (shard != null && shard.closing()) {
                    failed.set(i, RecordWriter.Result.internalFailure());
                }
            }
            return CompletableFuture.completedFuture(failed);
        }
        if (stranded.isEmpty()) {
            return CompletableFuture.completedFuture(results);
        }
        LOG.info("{} records put to stream {} landed after their shard's end (another server resharded); writing them "
                + "to the shards that follow", stranded.size(), name);
        List<RecordWriter.Entry> again = stranded.stream().map(entries::get).toList();
        return put(name, writer, again, () -> new IllegalStateException("stream " + name + " went away"))
                .exceptionally(e -> {
                    LOG.warn("could not write again the records of stream {} that landed after their shard's end", name, e);
                    return again.stream().map(x -> RecordWriter.Result.internalFailure()).toList();
                })
                .thenApply(rewritten -> {
                    List<RecordWriter.Result> settled = new ArrayList<>(results);
                    for (int j = 0; j < stranded.size(); j++) {
                        settled.set(stranded.get(j), rewritten.get(j));
                    }
                    return settled;
                });
    }

    private <T> CompletableFuture<T> writeHolding(StampedLock lock, long stamp, String name,
                                                  Function<StreamMetadata, CompletableFuture<T>> write) {
        try {
            StreamMetadata stream = metadata.get(name).orElse(null);
            return write.apply(stream).whenComplete((r, e) -> lock.unlockRead(stamp));
        } catch (RuntimeException e) {
            lock.unlockRead(stamp);
            throw e;
        }
    }

    /** Saves a stream's metadata and waits until this server sees it. Control thread only. */
    public StreamMetadata save(StreamMetadata stream) {
        await(metadata.put(stream));
        if (stream.status() != StreamStatus.ACTIVE) {
            transitionsHere.add(transitionKey(stream));
        }
        return stream;
    }

    private static String transitionKey(StreamMetadata s) {
        return s.name() + "@" + s.createdAt() + "@" + s.status();
    }

    /**
     * Saves a new stream of evenly split shards; it is CREATING until its topic exists. Control thread only.
     */
    public StreamMetadata create(String name, StreamMetadata.StreamMode mode, int shardCount, Map<String, String> tags) {
        long now = System.currentTimeMillis();
        List<Shard> shards = new ArrayList<>();
        List<io.runnel.core.HashKeyRange> ranges = io.runnel.core.HashKeyRange.uniform(shardCount);
        for (int i = 0; i < shardCount; i++) {
            shards.add(Shard.open(i, null, null, ranges.get(i), now));
        }
        StreamMetadata stream = new StreamMetadata(name, StreamStatus.CREATING, now, now, DEFAULT_RETENTION_HOURS, mode, shards, tags,
                config.topicPrefix + name, Map.of(), List.of());
        claimTopic(stream);
        // The topic's partitions are awaited as the stream leaves CREATING; a failure of that is retried then.
        return save(stream);
    }

    /**
     * Makes a new stream's topic, or refuses the stream when the topic exists: Kafka makes a topic once, so of several
     * servers creating one stream at once exactly one goes on, and the others answer as for a stream that exists.
     */
    private void claimTopic(StreamMetadata stream) {
        try {
            await(admin.createTopics(List.of(newTopic(stream))).all());
            claimedInChange.add(stream.topic());
        } catch (KafkaFailure e) {
            // A create made again after another server's change interrupted it finds the topic it claimed before.
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
            if (!claimedInChange.contains(stream.topic())) {
                throw ApiException.resourceInUse("Stream " + stream.name() + " under account " + config.accountId + " already exists.");
            }
        }
    }

    /** Whether a topic exists on Runnel's Kafka cluster, whether or not it is a stream's. */
    public CompletableFuture<Boolean> topicExists(String topic) {
        return admin.listTopics().names().toCompletionStage().toCompletableFuture().thenApply(names -> names.contains(topic));
    }

    public int openShardCount() {
        return metadata.all().stream().filter(s -> s.status() != StreamStatus.DELETING)
                .mapToInt(s -> s.openShards().size()).sum();
    }

    private NewTopic newTopic(StreamMetadata stream) {
        return new NewTopic(stream.topic(), stream.shards().size(), replication).configs(Map.of(
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(stream.retentionHours() * HOUR_MS),
                // Retention only removes whole segments: keep them short so it is enforced within the hour.
                TopicConfig.SEGMENT_MS_CONFIG, Long.toString(HOUR_MS),
                TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime",
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(4 * 1024 * 1024),
                TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(minInSync)));
    }

    /** Makes sure a stream's topic exists with its partitions, and waits until they are served. */
    private void createTopic(StreamMetadata stream) {
        try {
            await(admin.createTopics(List.of(newTopic(stream))).all());
        } catch (KafkaFailure e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
            ensurePartitions(stream, stream.shards().size());
        }
        awaitServed(stream.topic(), 0, stream.shards().size());
    }

    /**
     * Waits until the leaders of partitions [from, to) serve them. An idempotent producer whose first
     * request reaches a partition before its leader knows it can lose that request (KAFKA-15591), so no
     * shard is given to writers before its partition answers a ListOffsets; the admin client retries
     * until it does.
     */
    private void awaitServed(String topic, int from, int to) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int i = from; i < to; i++) {
            request.put(new TopicPartition(topic, i), OffsetSpec.latest());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!request.isEmpty()) {
            try {
                await(admin.listOffsets(request).all());
                return;
            } catch (KafkaFailure e) {
                // Right after creation the partitions may be unknown to the broker that answers metadata.
                if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
                    throw e;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
        }
    }

    public void setRetention(StreamMetadata stream, int hours) {
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, stream.topic());
        AlterConfigOp op = new AlterConfigOp(new ConfigEntry(TopicConfig.RETENTION_MS_CONFIG, Long.toString(hours * HOUR_MS)),
                AlterConfigOp.OpType.SET);
        await(admin.incrementalAlterConfigs(Map.of(topic, List.of(op))).all());
    }

    /**
     * Stops writes to the given shards and opens new ones, atomically for this server's writers. The old
     * shards end once the stream leaves UPDATING ({@link #endClosingShards}), which gives writers that do
     * not share this server's lock (other servers, Flink sinks) the update delay to see the change.
     * New shards take the next indexes (and partitions).
     */
    public StreamMetadata reshard(StreamMetadata stream, List<Shard> toClose, List<Shard> toOpen, long now) {
        ensurePartitions(stream, stream.shards().size() + toOpen.size());
        StampedLock lock = writeLocks.computeIfAbsent(stream.name(), n -> new StampedLock());
        long stamp = lock.writeLock();
        // Held until the change has committed (and this server reads it) or failed: no write of this server starts
        // on the old shards in between.
        afterAttempt.add(() -> lock.unlockWrite(stamp));
        List<Shard> shards = new ArrayList<>(stream.shards());
        for (Shard s : toClose) {
            shards.set(s.index(), s.stopWrites(now));
        }
        shards.addAll(toOpen);
        return save(stream.withShards(shards).withStatus(StreamStatus.UPDATING, now));
    }

    /**
     * Records where each closing shard ends: its partition's end offset now. Writers saw the shard closing
     * at least the update delay ago; a Flink sink that still wrote past this point finds out from the
     * recorded end and fails its checkpoint, so no acknowledged record is left where readers never look.
     */
    private StreamMetadata endClosingShards(StreamMetadata stream) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (Shard s : stream.shards()) {
            if (s.closing()) {
                request.put(new TopicPartition(stream.topic(), s.index()), OffsetSpec.latest());
            }
        }
        if (request.isEmpty()) {
            return stream;
        }
        var ends = await(admin.listOffsets(request).all());
        List<Shard> shards = new ArrayList<>(stream.shards());
        ends.forEach((tp, end) -> shards.set(tp.partition(), shards.get(tp.partition()).end(end.offset())));
        return stream.withShards(shards);
    }

    private void ensurePartitions(StreamMetadata stream, int count) {
        TopicDescription d = await(admin.describeTopics(List.of(stream.topic())).allTopicNames()).get(stream.topic());
        if (d.partitions().size() < count) {
            await(admin.createPartitions(Map.of(stream.topic(), NewPartitions.increaseTo(count))).all());
        }
        awaitServed(stream.topic(), d.partitions().size(), count);
    }

    /**
     * Whether a stream's transitional state has lasted long enough to move on, by what this server has read. The server
     * that made the transition moves it on; another takes over only well after (it died), so that servers do not all
     * step in at once (and a reshard's ends are recorded once).
     */
    private boolean due(StreamMetadata s, long now) {
        long delay = switch (s.status()) {
            case CREATING -> config.createStreamDelay.toMillis();
            case UPDATING -> config.updateStreamDelay.toMillis();
            case DELETING -> config.deleteStreamDelay.toMillis();
            default -> -1;
        };
        return delay >= 0 && now - s.statusSince() >= delay + (transitionsHere.contains(transitionKey(s)) ? 0 : TAKE_OVER_MS);
    }

    /** Moves a stream on to its next state; Kafka's part of the step is done before. Within a change. */
    private void advance(StreamMetadata s, long now) {
        switch (s.status()) {
            case CREATING -> save(s.withStatus(StreamStatus.ACTIVE, now));
            case UPDATING -> save(endClosingShards(s).withStatus(StreamStatus.ACTIVE, now));
            case DELETING -> {
                await(metadata.remove(s.name()));
                writeLocks.remove(s.name());
            }
            default -> {
            }
        }
    }

    /** Moves streams whose transitional state has lasted long enough on to their next state. */
    private void reconcile() {
        try {
            for (StreamMetadata seen : metadata.all()) {
                if (!due(seen, System.currentTimeMillis())) {
                    continue;
                }
                // Kafka's part first, outside the change: it is the same whoever does it, and may take a while.
                if (seen.status() == StreamStatus.CREATING) {
                    createTopic(seen);
                } else if (seen.status() == StreamStatus.DELETING && !topicGone(seen)) {
                    continue;
                }
                // Then the step, on the stream as it is when the step commits: a server that lags (or another change made
                // meanwhile) neither repeats a step nor undoes a change.
                try {
                    metadata.serialized(() -> {
                        metadata.get(seen.name())
                                .filter(s -> s.createdAt() == seen.createdAt() && s.status() == seen.status())
                                .filter(s -> s.statusSince() == seen.statusSince())
                                .ifPresent(s -> advance(s, System.currentTimeMillis()));
                        return null;
                    });
                    transitionsHere.remove(transitionKey(seen));
                } catch (MetadataLog.ConcurrentChangeException e) {
                    LOG.debug("another server changed streams while stream {} was reconciled; the next round sees it", seen.name());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (Exception e) {
                    LOG.warn("could not advance the state of stream {}; will retry", seen.name(), e);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("could not advance stream states; will retry", e);
        }
    }

    private boolean topicGone(StreamMetadata s) {
        if (!await(admin.listTopics().names()).contains(s.topic())) {
            return true;
        }
        try {
            await(admin.deleteTopics(List.of(s.topic())).all());
        } catch (KafkaFailure e) {
            if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                throw e;
            }
        }
        return false;
    }

    /** A Kafka admin call that failed; its cause is Kafka's exception. */
    public static final class KafkaFailure extends RuntimeException {
        KafkaFailure(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static <T> T await(org.apache.kafka.common.KafkaFuture<T> f) {
        return await(f.toCompletionStage().toCompletableFuture());
    }

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new KafkaFailure(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.internal("interrupted");
        } catch (java.util.concurrent.TimeoutException e) {
            throw new KafkaFailure(e);
        }
    }

    @Override
    public void close() {
        control.close();
        reshardWaits.shutdown();
        admin.close();
    }
}
