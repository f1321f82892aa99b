package io.runnel.connectors.table;

import io.runnel.connectors.catalog.RunnelApiClient;
import io.runnel.connectors.catalog.RunnelCatalogOptions;
import io.runnel.connectors.source.StartingPosition;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.format.DecodingFormat;
import org.apache.flink.table.connector.format.EncodingFormat;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.factories.DeserializationFormatFactory;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.DynamicTableSourceFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.factories.SerializationFormatFactory;
import org.apache.flink.table.types.DataType;

import java.util.List;
import java.util.Set;

import static io.runnel.connectors.table.RunnelConnectorOptions.*;

/** {@code 'connector' = 'runnel'}: a table over a Runnel stream, in any Flink format, to read and to write. */
public final class RunnelDynamicTableFactory implements DynamicTableSourceFactory, DynamicTableSinkFactory {

    public static final String IDENTIFIER = "runnel";

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(STREAM, FactoryUtil.FORMAT);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(BOOTSTRAP_SERVERS, RunnelCatalogOptions.ENDPOINT, RunnelCatalogOptions.ACCESS_KEY_ID,
                RunnelCatalogOptions.SECRET_ACCESS_KEY, RunnelCatalogOptions.REGION, METADATA_TOPIC, SCAN_STARTUP_MODE, SCAN_STARTUP_TIMESTAMP_MILLIS, SCAN_BOUNDED, SCAN_SHARD_DISCOVERY_INTERVAL,
                SINK_PARTITION_KEY, SINK_DELIVERY_GUARANTEE, SINK_TRANSACTIONAL_ID_PREFIX);
    }

    @Override
    public DynamicTableSource createDynamicTableSource(Context context) {
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        DecodingFormat<DeserializationSchema<RowData>> format =
                helper.discoverDecodingFormat(DeserializationFormatFactory.class, FactoryUtil.FORMAT);
        helper.validate();
        ReadableConfig options = helper.getOptions();
        return new RunnelDynamicSource(context.getPhysicalRowDataType(), format, bootstrapServers(options, context),
                options.get(STREAM), options.get(METADATA_TOPIC), startingPosition(options), options.get(SCAN_BOUNDED),
                options.get(SCAN_SHARD_DISCOVERY_INTERVAL));
    }

    @Override
    public DynamicTableSink createDynamicTableSink(Context context) {
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        EncodingFormat<SerializationSchema<RowData>> format =
                helper.discoverEncodingFormat(SerializationFormatFactory.class, FactoryUtil.FORMAT);
        helper.validate();
        ReadableConfig options = helper.getOptions();
        DataType physical = context.getPhysicalRowDataType();
        List<String> partitionKey = options.getOptional(SINK_PARTITION_KEY).orElse(List.of());
        List<String> columns = DataType.getFieldNames(physical);
        for (String column : partitionKey) {
            if (!columns.contains(column)) {
                throw new ValidationException("'" + SINK_PARTITION_KEY.key() + "' names column '" + column
                        + "', which the table does not have; its columns are " + columns + ".");
            }
        }
        DeliveryGuarantee guarantee = options.get(SINK_DELIVERY_GUARANTEE);
        String prefix = options.getOptional(SINK_TRANSACTIONAL_ID_PREFIX).orElse(null);
        if (guarantee == DeliveryGuarantee.EXACTLY_ONCE && prefix == null) {
            throw new ValidationException("'" + SINK_DELIVERY_GUARANTEE.key() + "' = 'exactly-once' needs '"
                    + SINK_TRANSACTIONAL_ID_PREFIX.key() + "', unique among the jobs writing to the Kafka cluster.");
        }
        return new RunnelDynamicSink(physical, format, bootstrapServers(options, context), options.get(STREAM),
                options.get(METADATA_TOPIC), partitionKey, guarantee, prefix);
    }

    /** 'bootstrap-servers', or what the Runnel server the table (or the Flink configuration) names tells. */
    private static String bootstrapServers(ReadableConfig options, Context context) {
        return options.getOptional(BOOTSTRAP_SERVERS).orElseGet(() -> RunnelApiClient.of(options, context.getConfiguration()).bootstrapServers());
    }

    private static StartingPosition startingPosition(ReadableConfig options) {
        String mode = options.get(SCAN_STARTUP_MODE);
        return switch (mode) {
            case "trim-horizon" -> StartingPosition.trimHorizon();
            case "latest" -> StartingPosition.latest();
            case "timestamp" -> StartingPosition.atTimestamp(options.getOptional(SCAN_STARTUP_TIMESTAMP_MILLIS).orElseThrow(() ->
                    new ValidationException("'" + SCAN_STARTUP_MODE.key() + "' = 'timestamp' needs '"
                            + SCAN_STARTUP_TIMESTAMP_MILLIS.key() + "'.")));
            default -> throw new ValidationException("Invalid value '" + mode + "' for '" + SCAN_STARTUP_MODE.key()
                    + "': use 'trim-horizon', 'latest' or 'timestamp'.");
        };
    }
}
