package io.runnel.connectors.table;

import io.runnel.connectors.source.RunnelRecord;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.DataType;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** The metadata columns a Runnel table can declare ({@code METADATA FROM 'partition_key'} and so on). */
enum RecordMetadata {
    PARTITION_KEY("partition_key", DataTypes.STRING().notNull(), r -> StringData.fromString(r.partitionKey())),
    SEQUENCE_NUMBER("sequence_number", DataTypes.STRING().notNull(), r -> StringData.fromString(r.sequenceNumber())),
    /** The place of a user record in the KPL aggregated record it came in; 0 for a record put on its own. */
    SUB_SEQUENCE_NUMBER("sub_sequence_number", DataTypes.BIGINT().notNull(), RunnelRecord::subSequenceNumber),
    SHARD_ID("shard_id", DataTypes.STRING().notNull(), r -> StringData.fromString(r.shardId())),
    ARRIVAL_TIME("arrival_time", DataTypes.TIMESTAMP_LTZ(3).notNull(), r -> TimestampData.fromEpochMillis(r.arrivalTime()));

    final String key;
    final DataType type;
    final Function<RunnelRecord, Object> read;

    RecordMetadata(String key, DataType type, Function<RunnelRecord, Object> read) {
        this.key = key;
        this.type = type;
        this.read = read;
    }

    static Map<String, DataType> columns() {
        Map<String, DataType> columns = new LinkedHashMap<>();
        for (RecordMetadata m : values()) {
            columns.put(m.key, m.type);
        }
        return columns;
    }

    static RecordMetadata of(String key) {
        return Arrays.stream(values()).filter(m -> m.key.equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no metadata column '" + key + "' in a Runnel table"));
    }
}
