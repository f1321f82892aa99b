package io.runnel.connectors.table;

import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.RowType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The partition key the SQL sink gives a row: its key columns' values, joined by '|'. */
class RowPartitionKeyTest {

    private static final RowType ROW = (RowType) DataTypes.ROW(
            DataTypes.FIELD("user_id", DataTypes.STRING()),
            DataTypes.FIELD("device", DataTypes.BYTES()),
            DataTypes.FIELD("visits", DataTypes.INT())).getLogicalType();

    @Test
    void keyColumnsOfEveryTypeGiveTheirValues() {
        GenericRowData row = GenericRowData.of(StringData.fromString("ada"), "phone-7".getBytes(StandardCharsets.UTF_8), 3);

        assertThat(RowPartitionKey.of(ROW, List.of("user_id", "device", "visits")).apply(row)).isEqualTo("ada|phone-7|3");
        // The same bytes in another array make the same key.
        GenericRowData again = GenericRowData.of(StringData.fromString("ada"), "phone-7".getBytes(StandardCharsets.UTF_8), 3);
        assertThat(RowPartitionKey.of(ROW, List.of("device")).apply(again)).isEqualTo("phone-7");
    }
}
