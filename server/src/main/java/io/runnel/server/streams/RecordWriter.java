package io.runnel.server.streams;

import io.runnel.core.SequenceNumber;
import io.runnel.core.Shard;
import io.runnel.core.StreamMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Appends records to their shards' Kafka partitions. The Kafka key is the partition key and the value the
 * data; the topic stamps each record with its arrival time. A record counts as written once every in-sync
 * replica has it (acks=all).
 */
public final class RecordWriter implements AutoCloseable {

    public record Entry(String partitionKey, BigInteger hashKey, byte[] data) {
    }

    /** Either a shard id and sequence number, or an error code and message. */
    public record Result(String shardId, String sequenceNumber, String errorCode, String errorMessage) {
        public boolean failed() {
            return errorCode != null;
        }
    }

    private final KafkaProducer<byte[], byte[]> producer;

    public RecordWriter(String bootstrapServers) {
        Map<String, Object> p = Map.ofEntries(
                Map.entry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                Map.entry(ProducerConfig.ACKS_CONFIG, "all"),
                Map.entry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                Map.entry(ProducerConfig.LINGER_MS_CONFIG, 1),
                Map.entry(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024),
                Map.entry(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024),
                Map.entry(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024),
                // A batch Kafka cannot take within this time fails its records rather than holding the put.
                Map.entry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000),
                Map.entry(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000),
                Map.entry(ProducerConfig.CLIENT_ID_CONFIG, "runnel-writer"));
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Writes the entries in order; results come back in the same order. */
    public CompletableFuture<List<Result>> put(StreamMetadata stream, List<Entry> entries) {
        Result[] results = new Result[entries.size()];
        CompletableFuture<List<Result>> done = new CompletableFuture<>();
        AtomicInteger pending = new AtomicInteger(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            Shard shard = stream.openShardFor(e.hashKey());
            int slot = i;
            byte[] key = e.partitionKey().getBytes(StandardCharsets.UTF_8);
            try {
                producer.send(new ProducerRecord<>(stream.topic(), shard.index(), key, e.data()), (md, error) -> {
                    results[slot] = error == null
                            ? new Result(shard.shardId(), SequenceNumber.of(shard.index(), md.offset()), null, null)
                            : new Result(null, null, "InternalFailure", "Internal service failure.");
                    if (pending.decrementAndGet() == 0) {
                        done.complete(Arrays.asList(results));
                    }
                });
            } catch (RuntimeException error) {
                results[slot] = new Result(null, null, "InternalFailure", "Internal service failure.");
                if (pending.decrementAndGet() == 0) {
                    done.complete(new ArrayList<>(Arrays.asList(results)));
                }
            }
        }
        return done;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
