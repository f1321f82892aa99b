package io.runnel.server.streams;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * Reads shards straight from their Kafka partitions with a small pool of consumers, one per reader
 * thread. Only committed records are visible (read_committed), so transactional writers cannot show
 * records that may still be aborted.
 */
public final class ShardReader implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(100);
    private static final long READ_DEADLINE_MS = 2000;

    /**
     * @param nextOffset       where the next read of this shard starts
     * @param latestOffset     the partition's end when the read began
     * @param shardEndReached  the shard is closed and this read reached its end
     */
    public record Batch(List<ConsumerRecord<byte[], byte[]>> records, long nextOffset, long latestOffset,
                        boolean shardEndReached) {
    }

    private final Map<String, Object> consumerConfig;
    private final ExecutorService pool;
    private final List<KafkaConsumer<byte[], byte[]>> consumers = new CopyOnWriteArrayList<>();
    private final ThreadLocal<KafkaConsumer<byte[], byte[]>> consumer;

    /** A reader for GetRecords' reads: up to 10 MiB a partition at a time. */
    public ShardReader(String bootstrapServers, int threads) {
        this(bootstrapServers, threads, 10 * 1024 * 1024, "runnel-reader");
    }

    /**
     * @param fetchBytes how much one fetch takes of a partition: no more than a read returns, since the next read of that
     *                   partition may run on another thread's consumer, which fetches again
     */
    public ShardReader(String bootstrapServers, int threads, int fetchBytes, String threadName) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, fetchBytes);
        c.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, fetchBytes + 2 * 1024 * 1024);
        // Reads only poll once endOffsets shows data, so a long wait buys nothing; it would only hold a
        // background prefetch of the previous partition at the broker and delay the next read.
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 1);
        // A read whose partition's end cannot be learnt (Kafka gone) fails within seconds rather than a minute.
        c.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        // A consumer moves from partition to partition read after read, and each move re-registers its per-partition
        // metrics: in JMX, and renamed for telemetry through regular expressions. Runnel reads neither.
        c.put(ConsumerConfig.ENABLE_METRICS_PUSH_CONFIG, false);
        c.put(ConsumerConfig.METRIC_REPORTER_CLASSES_CONFIG, "");
        this.consumerConfig = c;
        this.pool = Executors.newFixedThreadPool(threads, io.runnel.server.DaemonThreads.named(threadName));
        this.consumer = ThreadLocal.withInitial(() -> {
            Map<String, Object> own = new HashMap<>(consumerConfig);
            own.put(ConsumerConfig.CLIENT_ID_CONFIG, Thread.currentThread().getName());
            KafkaConsumer<byte[], byte[]> k = new KafkaConsumer<>(own, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            consumers.add(k);
            return k;
        });
    }

    private <T> CompletableFuture<T> onReader(TopicPartition tp, Function<KafkaConsumer<byte[], byte[]>, T> work) {
        return CompletableFuture.supplyAsync(() -> {
            KafkaConsumer<byte[], byte[]> k = consumer.get();
            k.assign(List.of(tp));
            return work.apply(k);
        }, pool);
    }

    public CompletableFuture<Long> latestOffset(String topic, int partition) {
        TopicPartition tp = new TopicPartition(topic, partition);
        return onReader(tp, k -> k.endOffsets(List.of(tp)).get(tp));
    }

    /** The offset of the first record that arrived at or after the time, or the end when there is none. */
    public CompletableFuture<Long> offsetForTime(String topic, int partition, long epochMillis) {
        TopicPartition tp = new TopicPartition(topic, partition);
        return onReader(tp, k -> {
            OffsetAndTimestamp found = k.offsetsForTimes(Map.of(tp, epochMillis)).get(tp);
            return found != null ? found.offset() : k.endOffsets(List.of(tp)).get(tp);
        });
    }

    /**
     * Reads up to {@code limit} records or about {@code maxBytes} from {@code offset}, never past
     * {@code shardEnd} (null for an open shard).
     */
    public CompletableFuture<Batch> read(String topic, int partition, long offset, Long shardEnd, int limit, int maxBytes) {
        TopicPartition tp = new TopicPartition(topic, partition);
        return onReader(tp, k -> {
            long latest = k.endOffsets(List.of(tp)).get(tp);
            long stop = shardEnd == null ? latest : Math.min(latest, shardEnd);
            long position = offset;
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            if (position < stop) {
                k.seek(tp, position);
                long bytes = 0;
                long deadline = System.currentTimeMillis() + READ_DEADLINE_MS;
                while (out.isEmpty() && System.currentTimeMillis() < deadline) {
                    List<ConsumerRecord<byte[], byte[]>> polled;
                    try {
                        polled = k.poll(POLL).records(tp);
                    } catch (OffsetOutOfRangeException trimmed) {
                        position = k.beginningOffsets(List.of(tp)).get(tp);
                        if (position >= stop) {
                            break;
                        }
                        k.seek(tp, position);
                        continue;
                    }
                    for (ConsumerRecord<byte[], byte[]> r : polled) {
                        int size = (r.value() == null ? 0 : r.value().length) + (r.key() == null ? 0 : r.key().length);
                        if (r.offset() >= stop || out.size() >= limit || (!out.isEmpty() && bytes + size > maxBytes)) {
                            break;
                        }
                        out.add(r);
                        bytes += size;
                    }
                    if (out.isEmpty()) {
                        // Only transaction markers lay between here and the end.
                        position = Math.min(Math.max(position, k.position(tp)), stop);
                        if (position >= stop) {
                            break;
                        }
                    }
                }
            }
            long next = out.isEmpty() ? position : out.get(out.size() - 1).offset() + 1;
            return new Batch(out, next, latest, shardEnd != null && next >= shardEnd);
        });
    }

    @Override
    public void close() {
        pool.shutdown();
        try {
            pool.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumers.forEach(k -> k.close(Duration.ofSeconds(1)));
    }
}
