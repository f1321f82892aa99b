package io.runnel.connectors.table;

import io.runnel.connectors.sink.PartitionKeyGenerator;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.ThreadLocalRandom;

/** The partition key of a row written to a stream: its key columns' values joined by '|', or a random key. */
final class RowPartitionKey implements PartitionKeyGenerator<RowData> {

    private final RowData.FieldGetter[] columns;

    private RowPartitionKey(RowData.FieldGetter[] columns) {
        this.columns = columns;
    }

    /** Keys made of the named columns; none means a random key per row, spreading rows over every shard. */
    static RowPartitionKey of(RowType row, List<String> keyColumns) {
        RowData.FieldGetter[] getters = new RowData.FieldGetter[keyColumns.size()];
        for (int i = 0; i < getters.length; i++) {
            int field = row.getFieldIndex(keyColumns.get(i));
            getters[i] = RowData.createFieldGetter(row.getTypeAt(field), field);
        }
        return new RowPartitionKey(getters);
    }

    @Override
    public String apply(RowData row) {
        if (columns.length == 0) {
            return Long.toHexString(ThreadLocalRandom.current().nextLong());
        }
        StringJoiner key = new StringJoiner("|");
        for (RowData.FieldGetter column : columns) {
            Object value = column.getFieldOrNull(row);
            // A BYTES column's key is the text its bytes spell, as a producer's would be; not the array's identity.
            key.add(value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value));
        }
        return key.toString();
    }
}
