package io.runnel.connectors.source.reader;

import io.runnel.connectors.source.RunnelRecord;
import io.runnel.connectors.source.RunnelRecordDeserializer;
import io.runnel.connectors.source.split.RunnelShardSplitState;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;


/** Emits each record with its arrival time as the event timestamp, and advances its split's position. */
public final class RunnelRecordEmitter<T> implements RecordEmitter<ConsumerRecord<byte[], byte[]>, T, RunnelShardSplitState> {

    private final RunnelRecordDeserializer<T> deserializer;
    private final OutputCollector<T> collector = new OutputCollector<>();

    public RunnelRecordEmitter(RunnelRecordDeserializer<T> deserializer) {
        this.deserializer = deserializer;
    }

    @Override
    public void emitRecord(ConsumerRecord<byte[], byte[]> r, SourceOutput<T> output, RunnelShardSplitState state) throws Exception {
        RunnelRecord record = new RunnelRecord(r.key(), r.value(), r.partition(), state.shardCreatedAt(), r.offset(), r.timestamp());
        collector.output = output;
        collector.timestamp = r.timestamp();
        try {
            deserializer.deserialize(record, collector);
        } catch (Exception e) {
            throw new java.io.IOException("cannot deserialize the record at sequence number " + record.sequenceNumber()
                    + " of " + record.shardId() + " (partition key '" + record.partitionKey() + "'): " + e.getMessage(), e);
        }
        state.recordEmitted(r.offset(), r.timestamp(), r.serializedValueSize() + Math.max(0, r.serializedKeySize()));
    }

    private static final class OutputCollector<T> implements Collector<T> {
        private SourceOutput<T> output;
        private long timestamp;

        @Override
        public void collect(T value) {
            output.collect(value, timestamp);
        }

        @Override
        public void close() {
        }
    }
}
