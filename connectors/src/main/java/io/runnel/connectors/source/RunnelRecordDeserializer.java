package io.runnel.connectors.source;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.util.Collector;

import java.io.IOException;
import java.io.Serializable;

/** Turns records of a stream into the job's values; sees the partition key, sequence number, shard and arrival time. */
public interface RunnelRecordDeserializer<T> extends Serializable, ResultTypeQueryable<T> {

    default void open(DeserializationSchema.InitializationContext context) throws Exception {
    }

    void deserialize(RunnelRecord record, Collector<T> out) throws IOException;

    /** Reads only the data of each record, with any Flink {@link DeserializationSchema} (JSON, CSV, Avro, raw...). */
    static <T> RunnelRecordDeserializer<T> of(DeserializationSchema<T> schema) {
        return new RunnelRecordDeserializer<>() {
            @Override
            public void open(DeserializationSchema.InitializationContext context) throws Exception {
                schema.open(context);
            }

            @Override
            public void deserialize(RunnelRecord record, Collector<T> out) throws IOException {
                schema.deserialize(record.data(), out);
            }

            @Override
            public TypeInformation<T> getProducedType() {
                return schema.getProducedType();
            }
        };
    }
}
