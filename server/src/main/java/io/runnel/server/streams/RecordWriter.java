package io.runnel.server.streams;

import io.runnel.core.AggregatedRecord;
import io.runnel.core.HashKey;
import io.runnel.core.HashKeyRange;
import io.runnel.core.SequenceNumber;
import io.runnel.core.Shard;
import io.runnel.core.StreamMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * Appends records to their shards' Kafka partitions. The Kafka key is the partition key and the value the
 * data; the topic stamps each record with its arrival time. A record counts as written once every in-sync
 * replica has it (acks=all).
 */
public final class RecordWriter implements AutoCloseable {

    /**
     * A record to put: its partition key as UTF-8 (the Kafka key), the 128-bit hash key that picks its shard (as two
     * unsigned halves: routing a record then compares longs, not BigIntegers), its data.
     */
    public record Entry(byte[] partitionKey, long hashHigh, long hashLow, byte[] data) {

        /** A record routed by its partition key's MD5, as Kinesis routes one. */
        public static Entry keyed(byte[] partitionKey, byte[] data) {
            ByteBuffer md5 = ByteBuffer.wrap(HashKey.digest(partitionKey));
            return new Entry(partitionKey, md5.getLong(), md5.getLong(), data);
        }

        /** A record routed by an explicit hash key, one in [0, 2^128). */
        public static Entry explicit(byte[] partitionKey, BigInteger hashKey, byte[] data) {
            return new Entry(partitionKey, hashKey.shiftRight(64).longValue(), hashKey.longValue(), data);
        }
    }

    /** A stream's open shards with their hash key ranges as unsigned halves, made once for a whole put. */
    private static final class Router {
        private final StreamMetadata stream;
        private final List<Shard> shards;
        private final long[] bounds; // per shard: start high, start low, end high, end low

        Router(StreamMetadata stream) {
            this.stream = stream;
            this.shards = stream.openShards();
            this.bounds = new long[4 * shards.size()];
            for (int i = 0; i < shards.size(); i++) {
                HashKeyRange r = shards.get(i).hashKeyRange();
                bounds[4 * i] = r.start().shiftRight(64).longValue();
                bounds[4 * i + 1] = r.start().longValue();
                bounds[4 * i + 2] = r.end().shiftRight(64).longValue();
                bounds[4 * i + 3] = r.end().longValue();
            }
        }

        /** The position among {@link #shards} of the shard that takes {@code e}. */
        int shardFor(Entry e) {
            for (int i = 0; i < shards.size(); i++) {
                if (compare(e.hashHigh(), e.hashLow(), bounds[4 * i], bounds[4 * i + 1]) >= 0
                        && compare(e.hashHigh(), e.hashLow(), bounds[4 * i + 2], bounds[4 * i + 3]) <= 0) {
                    return i;
                }
            }
            throw new IllegalStateException("stream " + stream.name() + " has no open shard for hash key "
                    + new BigInteger(Long.toUnsignedString(e.hashHigh())).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(e.hashLow()))));
        }

        private static int compare(long high, long low, long otherHigh, long otherLow) {
            int c = Long.compareUnsigned(high, otherHigh);
            return c != 0 ? c : Long.compareUnsigned(low, otherLow);
        }
    }

    /**
     * Either a shard id and sequence number, or an error code and message.
     *
     * @param shardIndex the shard written to, and {@code offset} the record's offset there; -1 for a failed record
     */
    public record Result(String shardId, String sequenceNumber, String errorCode, String errorMessage, int shardIndex, long offset) {
        public boolean failed() {
            return errorCode != null;
        }

        /** A record Kinesis would report as not put: InternalFailure. */
        public static Result internalFailure() {
            return new Result(null, null, "InternalFailure", "Internal service failure.", -1, -1);
        }
    }

    /**
     * What a split's child keeps of a record: all of it, unless it is an aggregate made for the parent before the
     * producer knew of the split ({@link AggregatedRecord#within}).
     */
    private static byte[] stored(StreamMetadata stream, Shard shard, byte[] data) {
        if (shard.parentShardId() == null || shard.adjacentParentShardId() != null) {
            return data; // a merge's child holds all of what either parent held
        }
        try {
            byte[] own = AggregatedRecord.within(data, shard.hashKeyRange(), stream.shard(shard.parentShardId()).hashKeyRange());
            return own != null ? own : data;
        } catch (RuntimeException e) {
            Failures.LOG.warn("could not look into an aggregated record put to {} of stream {}; it is kept as sent",
                    shard.shardId(), stream.name(), e);
            return data;
        }
    }

    private final KafkaProducer<byte[], byte[]> producer;
    private final ExecutorService completions;
    private final Failures failures = new Failures();
    private volatile BiConsumer<String, Integer> appendListener = (topic, partition) -> { };
    private volatile PutListener putListener = (stream, shardId, records, bytes, failed) -> { };

    /** Logs why Kafka refused records: each cause once a minute, not once per record of a batch or of a busy stream. */
    private static final class Failures {
        private static final Logger LOG = LoggerFactory.getLogger(RecordWriter.class);
        private static final long QUIET_MS = 60_000;
        private final Map<String, Long> lastLogged = new ConcurrentHashMap<>();

        void report(String stream, Exception error) {
            String cause = error.getClass().getName() + ": " + error.getMessage();
            long now = System.currentTimeMillis();
            boolean[] due = {false};
            lastLogged.compute(cause, (c, last) -> {
                due[0] = last == null || now - last >= QUIET_MS;
                return due[0] ? now : last;
            });
            if (due[0]) {
                LOG.error("Kafka did not take records put to stream {}; they failed with InternalFailure (this cause is logged "
                        + "once a minute)", stream, error);
            }
        }
    }

    public RecordWriter(String bootstrapServers) {
        Map<String, Object> p = Map.ofEntries(
                Map.entry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                Map.entry(ProducerConfig.ACKS_CONFIG, "all"),
                Map.entry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                Map.entry(ProducerConfig.LINGER_MS_CONFIG, 1),
                Map.entry(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024),
                Map.entry(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024),
                Map.entry(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024),
                // A batch Kafka cannot take within this time fails its records rather than holding the put: when Kafka
                // is gone, callers learn it within seconds (and their SDKs retry), instead of waiting on a hung put.
                Map.entry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000),
                Map.entry(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000),
                // send() runs on an event loop: it may wait this long for a topic's partitions (known once a stream is
                // ACTIVE, so only when Kafka is gone) or for buffer space, then its record fails instead.
                Map.entry(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000),
                // Kafka's client telemetry renames every metric through regular expressions; Runnel pushes none.
                Map.entry(ProducerConfig.ENABLE_METRICS_PUSH_CONFIG, false),
                Map.entry(ProducerConfig.CLIENT_ID_CONFIG, "runnel-writer"));
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        // Puts complete here, not on the producer's single I/O thread, so building responses runs beside it.
        this.completions = Executors.newFixedThreadPool(2, io.runnel.server.DaemonThreads.named("runnel-put-completion"));
    }

    /** Writes the entries in order; results come back in the same order. */
    public CompletableFuture<List<Result>> put(StreamMetadata stream, List<Entry> entries) {
        int count = entries.size();
        Router router = new Router(stream);
        // Each record's shard as its position among the router's, so that grouping a put's records by shard indexes
        // arrays instead of hashing.
        int[] positions = new int[count];
        long[] offsets = new long[count];
        long[] arrivals = new long[count];
        CompletableFuture<List<Result>> done = new CompletableFuture<>();
        AtomicInteger pending = new AtomicInteger(count);
        Runnable finish = () -> completions.execute(() -> {
            try {
                tellAppended(stream.topic(), router.shards, positions);
                tellPut(stream, router.shards, positions, offsets, entries);
            } catch (RuntimeException e) {
                Failures.LOG.warn("could not tell subscriptions or metrics of records put to stream {}", stream.name(), e);
            } finally {
                done.complete(results(router.shards, positions, offsets, arrivals));
            }
        });
        for (int i = 0; i < count; i++) {
            Entry e = entries.get(i);
            positions[i] = router.shardFor(e);
            Shard shard = router.shards.get(positions[i]);
            int slot = i;
            try {
                producer.send(new ProducerRecord<>(stream.topic(), shard.index(), e.partitionKey(), stored(stream, shard, e.data())), (md, error) -> {
                    offsets[slot] = error == null ? md.offset() : -1;
                    arrivals[slot] = error == null ? md.timestamp() : 0;
                    if (error != null) {
                        failures.report(stream.name(), error);
                    }
                    if (pending.decrementAndGet() == 0) {
                        finish.run();
                    }
                });
            } catch (RuntimeException error) {
                failures.report(stream.name(), error);
                offsets[slot] = -1;
                if (pending.decrementAndGet() == 0) {
                    finish.run();
                }
            }
        }
        return done;
    }

    /** Has {@code listener} told of every partition this writer appends to, once its records are acknowledged. */
    public void onAppend(BiConsumer<String, Integer> listener) {
        appendListener = listener;
    }

    /** What a put stored, shard by shard: the records Kafka acknowledged and their data's bytes. */
    @FunctionalInterface
    public interface PutListener {
        /** @param failed how many records of the put could not be stored */
        void put(String stream, String shardId, long records, long bytes, long failed);
    }

    /** Has {@code listener} told, once a put completes, what it stored on each shard. */
    public void onPut(PutListener listener) {
        putListener = listener;
    }

    private void tellPut(StreamMetadata stream, List<Shard> shards, int[] positions, long[] offsets, List<Entry> entries) {
        long[] records = new long[shards.size()];
        long[] bytes = new long[shards.size()];
        long failed = 0;
        for (int i = 0; i < positions.length; i++) {
            if (offsets[i] < 0) {
                failed++;
                continue;
            }
            records[positions[i]]++;
            bytes[positions[i]] += entries.get(i).data().length;
        }
        for (int s = 0; s < records.length; s++) {
            if (records[s] > 0) {
                putListener.put(stream.name(), shards.get(s).shardId(), records[s], bytes[s], 0);
            }
        }
        if (failed > 0) {
            putListener.put(stream.name(), null, 0, 0, failed);
        }
    }

    private void tellAppended(String topic, List<Shard> shards, int[] positions) {
        boolean[] told = new boolean[shards.size()];
        for (int position : positions) {
            if (!told[position]) {
                told[position] = true;
                appendListener.accept(topic, shards.get(position).index());
            }
        }
    }

    private static List<Result> results(List<Shard> shards, int[] positions, long[] offsets, long[] arrivals) {
        List<Result> results = new ArrayList<>(positions.length);
        int[] lastOfShard = new int[shards.size()];
        java.util.Arrays.fill(lastOfShard, -1);
        for (int i = 0; i < positions.length; i++) {
            if (offsets[i] < 0) {
                results.add(Result.internalFailure());
                continue;
            }
            Shard shard = shards.get(positions[i]);
            int last = lastOfShard[positions[i]];
            lastOfShard[positions[i]] = i;
            String sequenceNumber = last >= 0 && offsets[last] == offsets[i] - 1 && arrivals[last] / 1000 == arrivals[i] / 1000
                    ? SequenceNumber.ofNextRecord(results.get(last).sequenceNumber())
                    : shard.sequenceNumber(offsets[i], arrivals[i]);
            results.add(new Result(shard.shardId(), sequenceNumber, null, null, shard.index(), offsets[i]));
        }
        return results;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
        completions.shutdown();
    }
}
