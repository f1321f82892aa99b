package io.runnel.connectors.source.reader;

import io.runnel.connectors.source.RunnelRecord;
import io.runnel.core.AggregatedRecord;
import io.runnel.connectors.source.RunnelRecordDeserializer;
import io.runnel.connectors.source.split.RunnelShardSplitState;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.charset.StandardCharsets;
import java.util.List;


/** Emits each record with its arrival time as the event timestamp, and advances its split's position. */
public final class RunnelRecordEmitter<T> implements RecordEmitter<ConsumerRecord<byte[], byte[]>, T, RunnelShardSplitState> {

    private final RunnelRecordDeserializer<T> deserializer;
    private final OutputCollector<T> collector = new OutputCollector<>();

    public RunnelRecordEmitter(RunnelRecordDeserializer<T> deserializer) {
        this.deserializer = deserializer;
    }

    @Override
    public void emitRecord(ConsumerRecord<byte[], byte[]> r, SourceOutput<T> output, RunnelShardSplitState state) throws Exception {
        collector.output = output;
        collector.timestamp = r.timestamp();
        // A KPL aggregated record is its user records, each with its place in it, as the KCL hands them out.
        List<AggregatedRecord.UserRecord> users = AggregatedRecord.deaggregate(r.value());
        if (users == null) {
            deserialize(new RunnelRecord(r.key(), r.value(), r.partition(), state.shardCreatedAt(), r.offset(), r.timestamp()));
        } else {
            for (int i = 0; i < users.size(); i++) {
                AggregatedRecord.UserRecord user = users.get(i);
                deserialize(new RunnelRecord(user.partitionKey().getBytes(StandardCharsets.UTF_8), user.data(), r.partition(),
                        state.shardCreatedAt(), r.offset(), r.timestamp(), i));
            }
        }
        state.recordEmitted(r.offset(), r.timestamp(), r.serializedValueSize() + Math.max(0, r.serializedKeySize()));
    }

    private void deserialize(RunnelRecord record) throws java.io.IOException {
        try {
            deserializer.deserialize(record, collector);
        } catch (Exception e) {
            throw new java.io.IOException("cannot deserialize the record at sequence number " + record.sequenceNumber()
                    + (record.subSequenceNumber() > 0 ? " (user record " + record.subSequenceNumber() + ")" : "")
                    + " of " + record.shardId() + " (partition key '" + record.partitionKey() + "'): " + e.getMessage(), e);
        }
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
