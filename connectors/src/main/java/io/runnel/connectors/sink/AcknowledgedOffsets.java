package io.runnel.connectors.sink;

import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The highest offset Kafka acknowledged in each partition for one sink writer since the writer last
 * looked. Kafka's producers report to it through {@link Interceptor}, which finds it in the producer
 * configuration under {@link #CONFIG_KEY}.
 */
final class AcknowledgedOffsets {

    static final String CONFIG_KEY = "runnel.sink.acknowledged-offsets";

    private final ConcurrentHashMap<Integer, AtomicLong> highest = new ConcurrentHashMap<>();
    private volatile boolean attached;

    /** True once a producer reports here. */
    boolean attached() {
        return attached;
    }

    /** The highest acknowledged offset per partition since the last call; forgets them. */
    Map<Integer, Long> drain() {
        Map<Integer, Long> result = new HashMap<>();
        highest.forEach((partition, offset) -> {
            long o = offset.getAndSet(-1);
            if (o >= 0) {
                result.put(partition, o);
            }
        });
        return result;
    }

    /** Installed in the sink's Kafka producers by {@link RunnelSinkWriter}. */
    public static final class Interceptor implements ProducerInterceptor<byte[], byte[]> {

        private AcknowledgedOffsets offsets;
        // A producer acknowledges a batch's records one after another: most follow one of the same partition.
        private int lastPartition = -1;
        private AtomicLong lastHighest;

        @Override
        public void configure(Map<String, ?> configs) {
            offsets = (AcknowledgedOffsets) configs.get(CONFIG_KEY);
            offsets.attached = true;
        }

        @Override
        public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
            return record;
        }

        @Override
        public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
            if (exception != null || !metadata.hasOffset()) {
                return;
            }
            if (metadata.partition() != lastPartition) {
                lastPartition = metadata.partition();
                lastHighest = offsets.highest.computeIfAbsent(lastPartition, p -> new AtomicLong(-1));
            }
            long seen = lastHighest.get();
            // Another producer of the same writer, or a drain, may change it in between: retry then.
            while (metadata.offset() > seen && !lastHighest.compareAndSet(seen, metadata.offset())) {
                seen = lastHighest.get();
            }
        }

        @Override
        public void close() {
        }
    }
}
