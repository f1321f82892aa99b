package io.runnel.connectors.table;

import io.runnel.core.MetadataLog;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;

import java.time.Duration;
import java.util.List;

/** The options of {@code 'connector' = 'runnel'} tables. */
public final class RunnelConnectorOptions {

    private RunnelConnectorOptions() {
    }

    public static final ConfigOption<String> STREAM = ConfigOptions.key("stream").stringType().noDefaultValue()
            .withDescription("The Runnel stream the table reads or writes.");

    public static final ConfigOption<String> BOOTSTRAP_SERVERS = ConfigOptions.key("bootstrap-servers").stringType()
            .noDefaultValue().withDescription("The Kafka cluster behind the Runnel server, as `./runnel up` prints it. "
                    + "Default: what the server at 'endpoint' tells.");

    public static final ConfigOption<String> METADATA_TOPIC = ConfigOptions.key("metadata-topic").stringType()
            .defaultValue(MetadataLog.DEFAULT_TOPIC).withDescription("The Kafka topic of Runnel's stream metadata.");

    public static final ConfigOption<String> SCAN_STARTUP_MODE = ConfigOptions.key("scan.startup.mode").stringType()
            .defaultValue("trim-horizon")
            .withDescription("Where a new job starts: 'trim-horizon' (the oldest record), 'latest' or 'timestamp'.");

    public static final ConfigOption<Long> SCAN_STARTUP_TIMESTAMP_MILLIS = ConfigOptions.key("scan.startup.timestamp-millis")
            .longType().noDefaultValue().withDescription("With 'scan.startup.mode' = 'timestamp': the arrival time to start at.");

    public static final ConfigOption<Boolean> SCAN_BOUNDED = ConfigOptions.key("scan.bounded").booleanType().defaultValue(false)
            .withDescription("Stop at the end each shard had when the job started.");

    public static final ConfigOption<Duration> SCAN_SHARD_DISCOVERY_INTERVAL = ConfigOptions.key("scan.shard-discovery.interval")
            .durationType().defaultValue(Duration.ofSeconds(1)).withDescription("How often to look for new shards.");

    public static final ConfigOption<List<String>> SINK_PARTITION_KEY = ConfigOptions.key("sink.partition-key").stringType()
            .asList().noDefaultValue().withDescription("Columns whose values, joined by '|', make each written record's "
                    + "partition key (so each key's rows stay in order). Without it, every record gets a random partition key.");

    public static final ConfigOption<DeliveryGuarantee> SINK_DELIVERY_GUARANTEE = ConfigOptions.key("sink.delivery-guarantee")
            .enumType(DeliveryGuarantee.class).defaultValue(DeliveryGuarantee.AT_LEAST_ONCE)
            .withDescription("'at-least-once', 'exactly-once' (Kafka transactions committed on checkpoint) or 'none'.");

    public static final ConfigOption<String> SINK_TRANSACTIONAL_ID_PREFIX = ConfigOptions.key("sink.transactional-id-prefix")
            .stringType().noDefaultValue().withDescription("With 'exactly-once': names the sink's Kafka transactions; "
                    + "unique among the jobs writing to the cluster.");
}
