package io.runnel.connectors.table;

import io.runnel.connectors.source.RunnelSource;
import io.runnel.connectors.source.StartingPosition;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.Projection;
import org.apache.flink.table.connector.ProviderContext;
import org.apache.flink.table.connector.format.DecodingFormat;
import org.apache.flink.table.connector.format.ProjectableDecodingFormat;
import org.apache.flink.table.connector.source.DataStreamScanProvider;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.connector.source.ScanTableSource;
import org.apache.flink.table.connector.source.abilities.SupportsProjectionPushDown;
import org.apache.flink.table.connector.source.abilities.SupportsReadingMetadata;
import org.apache.flink.table.connector.source.abilities.SupportsWatermarkPushDown;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.DataType;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The scan side of a {@code 'connector' = 'runnel'} table: a {@link RunnelSource} decoding rows with the table's format. */
final class RunnelDynamicSource implements ScanTableSource, SupportsReadingMetadata, SupportsWatermarkPushDown,
        SupportsProjectionPushDown {

    private final DataType physicalType;
    private final DecodingFormat<DeserializationSchema<RowData>> format;
    private final String bootstrapServers;
    private final String stream;
    private final String metadataTopic;
    private final StartingPosition startingPosition;
    private final boolean bounded;
    private final Duration discoveryInterval;
    private List<String> metadataKeys = List.of();
    /** The table's watermarks, generated per shard by the source so that one shard cannot make another's records late. */
    private WatermarkStrategy<RowData> watermarks = WatermarkStrategy.noWatermarks();
    private DataType producedType;
    /** The physical columns the query reads, in order; null for all of them. */
    private int[][] projection;

    RunnelDynamicSource(DataType physicalType, DecodingFormat<DeserializationSchema<RowData>> format, String bootstrapServers,
                        String stream, String metadataTopic, StartingPosition startingPosition, boolean bounded,
                        Duration discoveryInterval) {
        this.physicalType = physicalType;
        this.format = format;
        this.bootstrapServers = bootstrapServers;
        this.stream = stream;
        this.metadataTopic = metadataTopic;
        this.startingPosition = startingPosition;
        this.bounded = bounded;
        this.discoveryInterval = discoveryInterval;
        this.producedType = physicalType;
    }

    @Override
    public ChangelogMode getChangelogMode() {
        return ChangelogMode.insertOnly();
    }

    @Override
    public ScanRuntimeProvider getScanRuntimeProvider(ScanContext context) {
        DeserializationSchema<RowData> decoder;
        int[] keptColumns = null;
        if (projection == null) {
            decoder = format.createRuntimeDecoder(context, physicalType);
        } else if (format instanceof ProjectableDecodingFormat<DeserializationSchema<RowData>> projectable) {
            decoder = projectable.createRuntimeDecoder(context, physicalType, projection);
        } else {
            // A format that cannot skip columns decodes them all; the unread ones are dropped right after.
            decoder = format.createRuntimeDecoder(context, physicalType);
            keptColumns = Projection.of(projection).toTopLevelIndexes();
        }
        TypeInformation<RowData> produced = context.createTypeInformation(producedType);
        RunnelSource.Builder<RowData> source = RunnelSource.<RowData>builder()
                .bootstrapServers(bootstrapServers).stream(stream).metadataTopic(metadataTopic)
                .startingPosition(startingPosition).shardDiscoveryInterval(discoveryInterval)
                .deserializer(new RunnelRowDeserializer(decoder, keptColumns, metadataKeys.stream().map(RecordMetadata::of).toList(), produced));
        if (bounded) {
            source.bounded();
        }
        RunnelSource<RowData> built = source.build();
        WatermarkStrategy<RowData> strategy = watermarks;
        return new DataStreamScanProvider() {
            @Override
            public DataStream<RowData> produceDataStream(ProviderContext provider, StreamExecutionEnvironment env) {
                DataStreamSource<RowData> scan = env.fromSource(built, strategy, "Runnel stream " + stream);
                provider.generateUid("runnel-source").ifPresent(scan::uid);
                return scan;
            }

            @Override
            public boolean isBounded() {
                return bounded;
            }
        };
    }

    @Override
    public boolean supportsNestedProjection() {
        return false;
    }

    @Override
    public void applyProjection(int[][] projectedFields, DataType producedDataType) {
        this.projection = projectedFields;
        this.producedType = producedDataType;
    }

    @Override
    public void applyWatermark(WatermarkStrategy<RowData> strategy) {
        this.watermarks = strategy;
    }

    @Override
    public Map<String, DataType> listReadableMetadata() {
        return RecordMetadata.columns();
    }

    @Override
    public void applyReadableMetadata(List<String> keys, DataType producedDataType) {
        this.metadataKeys = List.copyOf(keys);
        this.producedType = producedDataType;
    }

    @Override
    public DynamicTableSource copy() {
        RunnelDynamicSource copy = new RunnelDynamicSource(physicalType, format, bootstrapServers, stream, metadataTopic,
                startingPosition, bounded, discoveryInterval);
        copy.metadataKeys = metadataKeys;
        copy.watermarks = watermarks;
        copy.producedType = producedType;
        copy.projection = projection;
        return copy;
    }

    @Override
    public String asSummaryString() {
        return "Runnel stream " + stream;
    }
}
