package io.runnel.core;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Stream metadata kept in one compacted Kafka topic, keyed by stream name. Every server reads the whole
 * topic into memory and follows it; a write completes once this instance has read it back, so a caller
 * sees its own writes.
 * <p>
 * Servers sharing the topic write it one at a time: every write is a Kafka transaction under one transactional id,
 * so a server that starts writing fences the one before, and a change made by {@link #serialized} (read, decide,
 * write) commits only if no other server wrote in between; see {@link ConcurrentChangeException}.
 * <p>
 * The same topic keeps the server's other documents (applications, …) under keys of the form
 * {@code kind/name}. Stream names never hold a '/', so the two cannot meet, and a reader of streams never
 * parses a document.
 */
public final class MetadataLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MetadataLog.class);
    private static final long RETRY_MS = 1000;

    public static final String DEFAULT_TOPIC = "__runnel_metadata";
    /** Each transaction's first record: which server wrote, under a document key no one reads. */
    private static final String WRITER_KEY = "runnel-writer/last";

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final String topic;
    private final Duration openTransactionWait;
    private final TopicPartition partition;
    private final Map<String, Object> clientConfig;
    private final Map<String, StreamMetadata> streams = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, byte[]> documents = new java.util.concurrent.ConcurrentHashMap<>();
    private final TreeMap<Long, List<CompletableFuture<Void>>> waiters = new TreeMap<>(); // guarded by itself
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile long readPosition = 0;
    /** How many changes this log has applied; a reader compares it to skip looking a stream up again. */
    private volatile long changes = 0;
    private volatile boolean closed;
    /** The writes of the change the calling thread makes, by key (null to remove): its own view until they commit. */
    private final ThreadLocal<Map<String, byte[]>> pending = new ThreadLocal<>();
    /** One transaction at a time: the producer is this instance's only writer. */
    private final ReentrantLock writing = new ReentrantLock();
    private final String writerId = UUID.randomUUID().toString();
    private Map<String, Object> producerConfig; // null when opened for reading only
    private KafkaProducer<String, byte[]> producer; // guarded by writing; null until the first write, and after fencing
    private KafkaConsumer<String, byte[]> consumer;
    private Thread reader;
    private Admin admin; // for catchUp, made on first use

    public MetadataLog(String bootstrapServers, String topic) {
        this(bootstrapServers, topic, Duration.ofSeconds(30));
    }

    /**
     * @param openTransactionWait how long a change waits for another server's open change before it takes the
     *                            writer's role, which aborts that change: as long as a change may take when its server lives
     */
    public MetadataLog(String bootstrapServers, String topic, Duration openTransactionWait) {
        this.openTransactionWait = openTransactionWait;
        this.topic = topic;
        this.partition = new TopicPartition(topic, 0);
        this.clientConfig = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    }

    /** Creates the topic if needed and reads it to its end before returning: what a server does. */
    public void start(Duration timeout) throws InterruptedException, TimeoutException {
        ensureTopic(timeout);
        Map<String, Object> p = new HashMap<>(clientConfig);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "runnel-metadata-writer:" + topic);
        // A change may wait on Kafka for up to 30 s (a topic's partitions served); one of a server that died holds
        // back every reader until it times out, or until another server takes the writer's role.
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        p.put(ProducerConfig.ENABLE_METRICS_PUSH_CONFIG, false);
        producerConfig = p;
        follow(timeout);
    }

    /**
     * Reads the topic to its end before returning, never creating or writing it: what a reader of streams
     * does. A missing topic means the Kafka cluster is not one a Runnel server uses.
     */
    public void startReading(Duration timeout) throws InterruptedException, TimeoutException {
        try (Admin admin = Admin.create(clientConfig)) {
            if (!admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS).contains(topic)) {
                throw new IllegalStateException("Kafka at " + clientConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)
                        + " has no Runnel metadata topic '" + topic + "': is it the Kafka cluster of a Runnel server?");
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot list the topics of Kafka at "
                    + clientConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG) + ": " + e.getCause().getMessage(), e);
        }
        follow(timeout);
    }

    private void follow(Duration timeout) throws InterruptedException, TimeoutException {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
        consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        long end = consumer.endOffsets(List.of(partition), timeout).get(partition);

        reader = new Thread(() -> follow(end), "runnel-metadata-reader");
        reader.setDaemon(true);
        reader.start();
        if (!caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new TimeoutException("could not read metadata topic " + topic + " within " + timeout);
        }
    }

    private void ensureTopic(Duration timeout) throws InterruptedException, TimeoutException {
        try (Admin admin = Admin.create(clientConfig)) {
            int brokers = admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
            NewTopic newTopic = new NewTopic(topic, 1, (short) Math.min(3, brokers))
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                            TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(Math.min(2, brokers))));
            admin.createTopics(List.of(newTopic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create metadata topic " + topic + ": " + e.getCause().getMessage(), e);
            }
        }
    }

    /**
     * Reads the topic until closed. A record it cannot read is logged and skipped; a Kafka error is logged and the
     * read tried again: the thread ends only when the log closes, so no change waits for ever on a dead reader.
     */
    private void follow(long initialEnd) {
        try {
            if (initialEnd == 0) {
                caughtUp.countDown();
            }
            String lastFailure = null;
            while (!closed) {
                try {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        apply(r);
                    }
                    readPosition = consumer.position(partition);
                    lastFailure = null;
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    String failure = e.toString();
                    if (!failure.equals(lastFailure)) {
                        LOG.error("cannot read metadata topic {}; trying again", topic, e);
                        lastFailure = failure;
                    }
                    Thread.sleep(RETRY_MS); // Kafka unreachable or failing: not a busy loop of errors
                    continue;
                }
                if (readPosition >= initialEnd) {
                    caughtUp.countDown();
                }
                releaseWaiters();
            }
        } catch (WakeupException e) {
            // closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            consumer.close(Duration.ofSeconds(1));
        }
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        try {
            apply(record.key(), record.value());
        } catch (RuntimeException e) {
            // What the record says is lost; what was known before it stays. Every server logs the same record.
            LOG.error("metadata topic {} has an unreadable record at offset {} (key {}); it is skipped", topic, record.offset(),
                    record.key(), e);
        }
    }

    private void apply(String name, byte[] value) {
        if (name.indexOf('/') >= 0) {
            if (value == null) {
                documents.remove(name);
            } else {
                documents.put(name, value);
            }
        } else if (value == null) {
            streams.remove(name);
        } else {
            streams.put(name, parse(name, value));
        }
        changes++;
    }

    /** Grows with every change this log applies: while it stays the same, so does every stream's metadata. */
    public long changeCount() {
        return changes;
    }

    private void releaseWaiters() {
        List<CompletableFuture<Void>> released = new ArrayList<>();
        synchronized (waiters) {
            Iterator<List<CompletableFuture<Void>>> it = waiters.headMap(readPosition).values().iterator();
            while (it.hasNext()) {
                released.addAll(it.next());
                it.remove();
            }
        }
        released.forEach(f -> f.complete(null));
    }

    public Optional<StreamMetadata> get(String name) {
        Map<String, byte[]> changes = pending.get();
        if (changes != null && changes.containsKey(name)) {
            return Optional.ofNullable(changes.get(name)).map(value -> parse(name, value));
        }
        return Optional.ofNullable(streams.get(name));
    }

    /** Every stream, ordered by name. */
    public Collection<StreamMetadata> all() {
        TreeMap<String, StreamMetadata> all = new TreeMap<>(streams);
        Map<String, byte[]> changes = pending.get();
        if (changes != null) {
            changes.forEach((key, value) -> {
                if (key.indexOf('/') < 0) {
                    if (value == null) {
                        all.remove(key);
                    } else {
                        all.put(key, parse(key, value));
                    }
                }
            });
        }
        return all.values();
    }

    private static StreamMetadata parse(String name, byte[] value) {
        try {
            return JSON.readValue(value, StreamMetadata.class);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable metadata for stream " + name, e);
        }
    }

    /**
     * Completes once this log has read everything written to the topic before the call, so what
     * {@link #get} returns then is at least as new as any change made before it.
     */
    public CompletableFuture<Void> catchUp() {
        // The last stable offset: what is committed. A transaction still open (another server's change) is not written yet.
        return endOffset(IsolationLevel.READ_COMMITTED).thenCompose(end -> end - 1 < readPosition
                ? CompletableFuture.completedFuture(null)
                : readBack(end - 1));
    }

    /** The topic's end: where the next record goes (READ_UNCOMMITTED), or its last stable offset (READ_COMMITTED). */
    private CompletableFuture<Long> endOffset(IsolationLevel isolation) {
        return catchUpAdmin().listOffsets(Map.of(partition, OffsetSpec.latest()), new ListOffsetsOptions(isolation))
                .partitionResult(partition).toCompletionStage().toCompletableFuture().thenApply(r -> r.offset());
    }

    /** Completes once this log has read the record at {@code offset}. */
    private CompletableFuture<Void> readBack(long offset) {
        CompletableFuture<Void> read = new CompletableFuture<>();
        synchronized (waiters) {
            waiters.computeIfAbsent(offset, k -> new ArrayList<>()).add(read);
        }
        releaseWaiters();
        return read;
    }

    private synchronized Admin catchUpAdmin() {
        if (admin == null) {
            admin = Admin.create(clientConfig);
        }
        return admin;
    }

    public CompletableFuture<Void> put(StreamMetadata metadata) {
        try {
            return write(metadata.name(), JSON.writeValueAsBytes(metadata));
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    public CompletableFuture<Void> remove(String name) {
        return write(name, null);
    }

    /** The documents of one kind, by name in name order, each as it was written. */
    public Map<String, byte[]> documents(String kind) {
        String prefix = kind + "/";
        Map<String, byte[]> found = new TreeMap<>();
        documents.forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                found.put(key.substring(prefix.length()), value);
            }
        });
        Map<String, byte[]> changes = pending.get();
        if (changes != null) {
            changes.forEach((key, value) -> {
                if (key.startsWith(prefix)) {
                    if (value == null) {
                        found.remove(key.substring(prefix.length()));
                    } else {
                        found.put(key.substring(prefix.length()), value);
                    }
                }
            });
        }
        return found;
    }

    public Optional<byte[]> document(String kind, String name) {
        String key = documentKey(kind, name);
        Map<String, byte[]> changes = pending.get();
        if (changes != null && changes.containsKey(key)) {
            return Optional.ofNullable(changes.get(key));
        }
        return Optional.ofNullable(documents.get(key));
    }

    /** Writes a document; like {@link #put}, it completes once this log has read it back. */
    public CompletableFuture<Void> putDocument(String kind, String name, byte[] value) {
        return write(documentKey(kind, name), value);
    }

    public CompletableFuture<Void> removeDocument(String kind, String name) {
        return write(documentKey(kind, name), null);
    }

    private static String documentKey(String kind, String name) {
        if (kind.isEmpty() || kind.indexOf('/') >= 0) {
            throw new IllegalArgumentException("a document kind is a non-empty word without '/': " + kind);
        }
        return kind + "/" + name;
    }

    /**
     * Writes within the calling thread's change, or as a change of its own. It waits for Kafka: call it where a
     * thread may wait (a control thread), never on an event loop.
     */
    private CompletableFuture<Void> write(String name, byte[] value) {
        Map<String, byte[]> changes = pending.get();
        if (changes != null) {
            changes.put(name, value);
            return CompletableFuture.completedFuture(null);
        }
        try {
            serialized(() -> pending.get().put(name, value));
            return CompletableFuture.completedFuture(null);
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Makes a change as one transaction: what {@code change} reads of this log (on this thread) is everything committed
     * before it, with its own writes on top; its writes commit together, once it returns, and are read back before
     * this returns. A change made within another joins it.
     *
     * @throws ConcurrentChangeException when another server wrote the topic during the change: nothing of it was written
     */
    public <T> T serialized(Callable<T> change) throws Exception {
        if (pending.get() != null) {
            return change.call();
        }
        if (producerConfig == null) {
            throw new IllegalStateException("metadata topic " + topic + " was opened for reading only");
        }
        writing.lock();
        try {
            if (closed) {
                throw new IllegalStateException("metadata log of topic " + topic + " is closed");
            }
            beginAsWriter();
            Map<String, byte[]> changes = new LinkedHashMap<>();
            pending.set(changes);
            T result;
            try {
                result = change.call();
            } catch (Exception | Error e) {
                abort();
                throw e;
            } finally {
                pending.remove();
            }
            if (changes.isEmpty()) {
                abort();
                return result;
            }
            long last = commit(changes);
            try {
                readBack(last).get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                // Committed: every server reads it in time; only this one's next read may not show it yet.
                LOG.warn("a change committed to metadata topic {} (up to offset {}) was not read back within 30 s", topic, last);
            }
            return result;
        } finally {
            writing.unlock();
        }
    }

    /**
     * Begins a transaction and claims the writer's role in it at once, so that a server that took the role since this
     * one last wrote is found out before the change reads anything; then reads what that server committed.
     */
    private void beginAsWriter() throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                if (producer == null) {
                    awaitNoOpenTransaction();
                    producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
                    producer.initTransactions();
                }
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, 0, WRITER_KEY, writerId.getBytes(StandardCharsets.UTF_8)))
                        .get(30, TimeUnit.SECONDS);
                catchUp().get(30, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                abandon();
                if (e instanceof InterruptedException) {
                    throw e;
                }
                if (!fenced(cause)) {
                    throw new IllegalStateException("cannot write metadata topic " + topic + ": " + cause, cause);
                }
                if (attempt == 3) {
                    throw new ConcurrentChangeException(topic, cause);
                }
                LOG.info("another server wrote metadata topic {}; this one takes the writer's role back", topic);
            }
        }
    }

    /**
     * Waits while another server's change is open, so that taking the writer's role (which aborts that change) waits
     * for it to commit instead: for as long as a change may take (30 s unless told, as long as a change may wait on
     * Kafka); a change open longer is taken for one of a server that died, which taking the role aborts.
     */
    private void awaitNoOpenTransaction() throws Exception {
        long deadline = System.nanoTime() + openTransactionWait.toNanos();
        while (System.nanoTime() < deadline) {
            long end = endOffset(IsolationLevel.READ_UNCOMMITTED).get(30, TimeUnit.SECONDS);
            if (endOffset(IsolationLevel.READ_COMMITTED).get(30, TimeUnit.SECONDS) >= end) {
                return;
            }
            Thread.sleep(20); // a poll of Kafka's offsets: nothing tells when another server's transaction ends
        }
    }

    /** Sends a change's writes and commits them; returns the offset of the last record, which this log then awaits. */
    private long commit(Map<String, byte[]> changes) throws Exception {
        try {
            List<java.util.concurrent.Future<RecordMetadata>> sent = new ArrayList<>();
            changes.forEach((key, value) -> sent.add(producer.send(new ProducerRecord<>(topic, 0, key, value))));
            for (int attempt = 1; ; attempt++) {
                try {
                    producer.commitTransaction();
                    break;
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    // The commit may have happened or not: Kafka lets it be tried again, and tells.
                    if (attempt == 3) {
                        throw e;
                    }
                }
            }
            long last = -1;
            for (java.util.concurrent.Future<RecordMetadata> f : sent) {
                last = Math.max(last, f.get().offset());
            }
            return last;
        } catch (Exception e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            abandon();
            if (e instanceof InterruptedException) {
                throw e;
            }
            if (fenced(cause)) {
                throw new ConcurrentChangeException(topic, cause);
            }
            throw new IllegalStateException("cannot write metadata topic " + topic + ": " + cause, cause);
        }
    }

    /** Ends the transaction unwritten; a producer that cannot is dropped, and the next change starts a new one. */
    private void abort() {
        if (!tryAbort()) {
            dropProducer();
        }
    }

    /** After a failure within a transaction: ends it if it still can (so no reader waits on it), and starts over. */
    private void abandon() {
        tryAbort();
        dropProducer();
    }

    private boolean tryAbort() {
        if (producer == null) {
            return false;
        }
        try {
            producer.abortTransaction();
            return true;
        } catch (RuntimeException e) {
            LOG.info("could not abort a metadata transaction: {}", e.toString());
            return false;
        }
    }

    private void dropProducer() {
        if (producer != null) {
            producer.close(Duration.ZERO);
            producer = null;
        }
    }

    private static boolean fenced(Throwable e) {
        return e instanceof ProducerFencedException || e instanceof InvalidProducerEpochException;
    }

    /**
     * Another server wrote the metadata topic while this one made a change, so the change was not written: its caller
     * may make it again, on what is now there.
     */
    public static final class ConcurrentChangeException extends IllegalStateException {
        ConcurrentChangeException(String topic, Throwable cause) {
            super("another server wrote metadata topic " + topic + " during this change", cause);
        }
    }

    @Override
    public void close() {
        closed = true;
        if (consumer != null) {
            consumer.wakeup();
        }
        if (reader != null) {
            try {
                reader.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        writing.lock();
        try {
            if (producer != null) {
                producer.close(Duration.ofSeconds(5));
            }
        } finally {
            writing.unlock();
        }
        synchronized (this) {
            if (admin != null) {
                admin.close(Duration.ofSeconds(5));
            }
        }
    }
}
