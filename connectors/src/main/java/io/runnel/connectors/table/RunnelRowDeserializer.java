package io.runnel.connectors.table;

import io.runnel.connectors.source.RunnelRecord;
import io.runnel.connectors.source.RunnelRecordDeserializer;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.utils.JoinedRowData;
import org.apache.flink.table.data.utils.ProjectedRowData;
import org.apache.flink.util.Collector;

import java.io.IOException;
import java.util.List;

/** Decodes a record's data with the table's format and appends the metadata columns the table declares. */
final class RunnelRowDeserializer implements RunnelRecordDeserializer<RowData> {

    private final DeserializationSchema<RowData> decoder;
    /** The decoded columns to keep, for a format that decodes every column; null to keep the row as decoded. */
    private final int[] keptColumns;
    private final List<RecordMetadata> metadata;
    private final TypeInformation<RowData> producedType;

    RunnelRowDeserializer(DeserializationSchema<RowData> decoder, int[] keptColumns, List<RecordMetadata> metadata,
                          TypeInformation<RowData> producedType) {
        this.decoder = decoder;
        this.keptColumns = keptColumns;
        this.metadata = metadata;
        this.producedType = producedType;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) throws Exception {
        decoder.open(context);
    }

    @Override
    public void deserialize(RunnelRecord record, Collector<RowData> out) throws IOException {
        if (metadata.isEmpty() && keptColumns == null) {
            decoder.deserialize(record.data(), out);
            return;
        }
        GenericRowData extra = new GenericRowData(metadata.size());
        for (int i = 0; i < metadata.size(); i++) {
            extra.setField(i, metadata.get(i).read.apply(record));
        }
        decoder.deserialize(record.data(), new Collector<>() {
            @Override
            public void collect(RowData row) {
                RowData kept = keptColumns == null ? row : ProjectedRowData.from(keptColumns).replaceRow(row);
                out.collect(metadata.isEmpty() ? kept : new JoinedRowData(row.getRowKind(), kept, extra));
            }

            @Override
            public void close() {
            }
        });
    }

    @Override
    public TypeInformation<RowData> getProducedType() {
        return producedType;
    }
}
