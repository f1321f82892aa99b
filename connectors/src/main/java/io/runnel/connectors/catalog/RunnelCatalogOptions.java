package io.runnel.connectors.catalog;

import io.runnel.core.MetadataLog;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** The options of {@code CREATE CATALOG ... WITH ('type' = 'runnel', ...)}, and the catalog's own table option. */
public final class RunnelCatalogOptions {

    private RunnelCatalogOptions() {
    }

    public static final String DEFAULT_ENDPOINT = "http://127.0.0.1:4567";

    public static final ConfigOption<String> ENDPOINT = ConfigOptions.key("endpoint").stringType().noDefaultValue()
            .withDescription("The Runnel server's API, as `./runnel up` prints it. Default: the Flink configuration's "
                    + "'runnel.endpoint', else " + DEFAULT_ENDPOINT + ".");

    /** Where a cluster (or SQL Gateway) says its Runnel server is, for catalogs and tables that do not say. */
    public static final ConfigOption<String> FLINK_ENDPOINT = ConfigOptions.key("runnel.endpoint").stringType().noDefaultValue()
            .withDescription("Flink configuration: the Runnel server of catalogs and tables that name none.");

    public static final ConfigOption<String> BOOTSTRAP_SERVERS = ConfigOptions.key("bootstrap-servers").stringType()
            .noDefaultValue().withDescription("The Kafka cluster behind the Runnel server, as `./runnel up` prints it. "
                    + "Default: what the server tells (Runnel_20261126.DescribeEndpoints).");

    public static final ConfigOption<String> METADATA_TOPIC = ConfigOptions.key("metadata-topic").stringType()
            .defaultValue(MetadataLog.DEFAULT_TOPIC).withDescription("The Kafka topic of Runnel's stream metadata.");

    public static final ConfigOption<String> DEFAULT_DATABASE = ConfigOptions.key("default-database").stringType()
            .defaultValue("default").withDescription("The name of the catalog's one database.");

    public static final ConfigOption<String> ACCESS_KEY_ID = ConfigOptions.key("access-key-id").stringType().noDefaultValue()
            .withDescription("With 'secret-access-key': sign the catalog's calls (SigV4), for a server started with --auth.");

    public static final ConfigOption<String> SECRET_ACCESS_KEY = ConfigOptions.key("secret-access-key").stringType()
            .noDefaultValue().withDescription("The secret of 'access-key-id'.");

    public static final ConfigOption<String> REGION = ConfigOptions.key("region").stringType().defaultValue("us-east-1")
            .withDescription("The region named in the catalog's signatures.");

    /** A table option the catalog consumes when CREATE TABLE makes a stream; it is not stored with the table. */
    public static final ConfigOption<Integer> SHARD_COUNT = ConfigOptions.key("shard-count").intType().defaultValue(1)
            .withDescription("CREATE TABLE: the number of shards of the new stream.");
}
