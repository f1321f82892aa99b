package io.runnel.connectors.table;

import io.runnel.connectors.sink.RunnelSink;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.format.EncodingFormat;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.sink.SinkV2Provider;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;

import java.util.List;

/** Writes a table's rows into a Runnel stream through {@link RunnelSink}, one record per row. */
final class RunnelDynamicSink implements DynamicTableSink {

    private final DataType physicalType;
    private final EncodingFormat<SerializationSchema<RowData>> format;
    private final String bootstrapServers;
    private final String stream;
    private final String metadataTopic;
    private final List<String> partitionKey;
    private final DeliveryGuarantee deliveryGuarantee;
    private final String transactionalIdPrefix;

    RunnelDynamicSink(DataType physicalType, EncodingFormat<SerializationSchema<RowData>> format, String bootstrapServers,
                      String stream, String metadataTopic, List<String> partitionKey, DeliveryGuarantee deliveryGuarantee,
                      String transactionalIdPrefix) {
        this.physicalType = physicalType;
        this.format = format;
        this.bootstrapServers = bootstrapServers;
        this.stream = stream;
        this.metadataTopic = metadataTopic;
        this.partitionKey = partitionKey;
        this.deliveryGuarantee = deliveryGuarantee;
        this.transactionalIdPrefix = transactionalIdPrefix;
    }

    @Override
    public ChangelogMode getChangelogMode(ChangelogMode requestedMode) {
        return format.getChangelogMode();
    }

    @Override
    public SinkRuntimeProvider getSinkRuntimeProvider(Context context) {
        RunnelSink.Builder<RowData> sink = RunnelSink.<RowData>builder()
                .bootstrapServers(bootstrapServers)
                .stream(stream)
                .metadataTopic(metadataTopic)
                .deliveryGuarantee(deliveryGuarantee)
                .serializer(format.createRuntimeEncoder(context, physicalType))
                .partitionKey(RowPartitionKey.of((RowType) physicalType.getLogicalType(), partitionKey));
        if (transactionalIdPrefix != null) {
            sink.transactionalIdPrefix(transactionalIdPrefix);
        }
        return SinkV2Provider.of(sink.build());
    }

    @Override
    public DynamicTableSink copy() {
        return new RunnelDynamicSink(physicalType, format, bootstrapServers, stream, metadataTopic, partitionKey,
                deliveryGuarantee, transactionalIdPrefix);
    }

    @Override
    public String asSummaryString() {
        return "Runnel stream " + stream;
    }
}
