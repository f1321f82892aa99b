package io.runnel.connectors.catalog;

import io.runnel.connectors.ConnectorTestBase;
import io.runnel.connectors.TestStreams;
import io.runnel.server.RunnelConfig;
import io.runnel.server.RunnelServer;
import io.runnel.server.testing.Clients;
import io.runnel.server.testing.RunnelServerExtension;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Runnel catalog in Flink SQL: streams as tables, CREATE TABLE and DROP TABLE as stream changes. */
class RunnelCatalogTest extends ConnectorTestBase {

    private static StreamTableEnvironment tablesInCatalog() {
        return tablesInCatalog(RunnelServerExtension.server().endpoint().toString(), "");
    }

    private static StreamTableEnvironment tablesInCatalog(String endpoint, String moreOptions) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        tables.executeSql("CREATE CATALOG runnel WITH ('type' = 'runnel', 'endpoint' = '" + endpoint
                + "', 'bootstrap-servers' = '" + TestStreams.bootstrap() + "'" + moreOptions + ")");
        tables.executeSql("USE CATALOG runnel");
        return tables;
    }

    @Test
    void aCatalogWithKeysSignsItsCallsToAServerThatRequiresThem(@TempDir Path dataDir) throws Exception {
        RunnelConfig config = RunnelServerExtension.testConfig(dataDir);
        config.kafka = TestStreams.bootstrap();
        config.auth = "AKIDCATALOG:catalog-secret";
        // Streams of its own: the suite's server, on the same Kafka, would otherwise also take this stream through
        // CREATING and could write over the table being stored (changes through two servers at once are a known limit).
        config.metadataTopic = "__runnel_metadata_signed";
        config.topicPrefix = "signed.";
        try (RunnelServer withAuth = RunnelServer.start(config);
             KinesisClient signedKinesis = Clients.of(Clients.Mode.SYNC_CBOR, URI.create("http://127.0.0.1:" + withAuth.port()),
                     AwsBasicCredentials.create("AKIDCATALOG", "catalog-secret"))) {
            String endpoint = "http://127.0.0.1:" + withAuth.port();
            // Without keys the catalog signs with any, which a server with --auth does not know.
            StreamTableEnvironment keyless = tablesInCatalog(endpoint, "");
            assertThatThrownBy(() -> keyless.executeSql("CREATE TABLE catalog_signed (n INT) WITH ('format' = 'json')"))
                    .rootCause().hasMessageContaining("UnrecognizedClientException").hasMessageContaining("'access-key-id'");
            StreamTableEnvironment wrongSecret = tablesInCatalog(endpoint,
                    ", 'access-key-id' = 'AKIDCATALOG', 'secret-access-key' = 'not-the-secret'");
            assertThatThrownBy(() -> wrongSecret.executeSql("CREATE TABLE catalog_signed (n INT) WITH ('format' = 'json')"))
                    .rootCause().hasMessageContaining("was refused");
            assertThatThrownBy(() -> tablesInCatalog(endpoint, ", 'access-key-id' = 'AKIDCATALOG'"))
                    .rootCause().hasMessageContaining("'access-key-id' and 'secret-access-key' go together");

            StreamTableEnvironment signed = tablesInCatalog(endpoint, ", 'access-key-id' = 'AKIDCATALOG', "
                    + "'secret-access-key' = 'catalog-secret', 'metadata-topic' = '" + config.metadataTopic + "'");
            signed.executeSql("CREATE TABLE catalog_signed (n INT) WITH ('format' = 'json')").await();
            assertThat(signedKinesis.describeStreamSummary(b -> b.streamName("catalog_signed")).streamDescriptionSummary().streamStatus())
                    .isEqualTo(StreamStatus.ACTIVE);
            signed.executeSql("DROP TABLE catalog_signed").await();
            assertThat(collectTables(signed)).doesNotContain("catalog_signed");
        }
    }

    @Test
    void aTableCreatedInTheCatalogRunsTheTumblingWindowAggregate() throws Exception {
        StreamTableEnvironment tables = tablesInCatalog();
        tables.executeSql("CREATE TABLE catalog_clicks (user_id STRING, url STRING, ts TIMESTAMP(3), "
                + "WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('format' = 'json', 'shard-count' = '3')").await();
        assertThat(kinesis.listShards(b -> b.streamName("catalog_clicks")).shards()).hasSize(3);
        TestStreams.putClicks(kinesis, "catalog_clicks");

        // A new session sees the schema the stream's metadata keeps.
        StreamTableEnvironment later = tablesInCatalog();
        later.executeSql("CREATE TEMPORARY VIEW clicks_so_far AS SELECT * FROM catalog_clicks /*+ OPTIONS('scan.bounded' = 'true') */");
        assertThat(TestStreams.clicksPerMinute(later, "clicks_so_far"))
                .containsExactlyInAnyOrderElementsOf(TestStreams.expectedClicksPerMinute());
    }

    @Test
    void aStreamWithoutATableReadsAsRawRecordsWithTheirKeys() throws Exception {
        TestStreams.create(kinesis, "catalog-raw", 2);
        kinesis.putRecord(b -> b.streamName("catalog-raw").partitionKey("k1").data(SdkBytes.fromUtf8String("first")));
        kinesis.putRecord(b -> b.streamName("catalog-raw").partitionKey("k2").data(SdkBytes.fromUtf8String("second")));

        StreamTableEnvironment tables = tablesInCatalog();
        assertThat(tables.from("`catalog-raw`").getResolvedSchema().getColumnNames())
                .containsExactly("partition_key", "data", "arrival_time", "shard_id", "sequence_number");
        List<String> rows = new ArrayList<>();
        try (CloseableIterator<Row> result = tables.executeSql("SELECT partition_key, CAST(data AS STRING), shard_id "
                + "FROM `catalog-raw` /*+ OPTIONS('scan.bounded' = 'true') */").collect()) {
            result.forEachRemaining(r -> rows.add(r.getField(0) + "=" + r.getField(1)));
        }
        assertThat(rows).containsExactlyInAnyOrder("k1=first", "k2=second");
        // Without data among the columns read, the raw format's decoded row is projected to nothing.
        List<String> keys = new ArrayList<>();
        try (CloseableIterator<Row> result = tables.executeSql("SELECT partition_key "
                + "FROM `catalog-raw` /*+ OPTIONS('scan.bounded' = 'true') */").collect()) {
            result.forEachRemaining(r -> keys.add(r.getArity() + ":" + r.getField(0)));
        }
        assertThat(keys).containsExactlyInAnyOrder("1:k1", "1:k2");
        assertThat(collectTables(tables)).contains("catalog-raw");
    }

    @Test
    void alterAndDropTableChangeTheStreamAndIfExistsBehavesAsUsual() throws Exception {
        StreamTableEnvironment tables = tablesInCatalog();
        tables.executeSql("CREATE TABLE catalog_dropped (n INT) WITH ('format' = 'json')").await();
        assertThat(kinesis.describeStreamSummary(b -> b.streamName("catalog_dropped")).streamDescriptionSummary().openShardCount()).isEqualTo(1);
        assertThatThrownBy(() -> tables.executeSql("CREATE TABLE catalog_dropped (n INT)"))
                .isInstanceOf(ValidationException.class).rootCause().hasMessageContaining("already exists");
        tables.executeSql("CREATE TABLE IF NOT EXISTS catalog_dropped (n INT)").await();
        tables.executeSql("ALTER TABLE catalog_dropped SET ('json.ignore-parse-errors' = 'true')").await();
        assertThat(tablesInCatalog().executeSql("SHOW CREATE TABLE catalog_dropped").collect().next().getField(0).toString())
                .contains("'json.ignore-parse-errors' = 'true'", "'connector' = 'runnel'", "'stream' = 'catalog_dropped'");

        tables.executeSql("DROP TABLE catalog_dropped").await();
        assertThatThrownBy(() -> kinesis.describeStreamSummary(b -> b.streamName("catalog_dropped")))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThat(collectTables(tables)).doesNotContain("catalog_dropped");
        tables.executeSql("DROP TABLE IF EXISTS catalog_dropped").await();
        assertThatThrownBy(() -> tables.executeSql("DROP TABLE catalog_dropped"))
                .isInstanceOf(ValidationException.class).hasMessageContaining("does not exist");
    }

    @Test
    void aTableOverAnotherStreamLivesInTheSessionAndMakesNoStream() throws Exception {
        TestStreams.create(kinesis, "catalog-json", 1);
        kinesis.putRecord(b -> b.streamName("catalog-json").partitionKey("k").data(SdkBytes.fromUtf8String("{\"n\":7}")));
        StreamTableEnvironment tables = tablesInCatalog();

        // No bootstrap-servers: the catalog gives its own.
        tables.executeSql("CREATE TABLE numbers (n INT) WITH ('connector' = 'runnel', 'stream' = 'catalog-json', "
                + "'format' = 'json', 'scan.bounded' = 'true')").await();

        List<Integer> read = new ArrayList<>();
        try (CloseableIterator<Row> result = tables.executeSql("SELECT n FROM numbers").collect()) {
            result.forEachRemaining(r -> read.add((Integer) r.getField(0)));
        }
        assertThat(read).containsExactly(7);
        assertThat(collectTables(tables)).contains("numbers", "catalog-json");
        assertThatThrownBy(() -> kinesis.describeStreamSummary(b -> b.streamName("numbers")))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThat(collectTables(tablesInCatalog())).as("another session").doesNotContain("numbers");
    }

    private static List<String> collectTables(StreamTableEnvironment tables) throws Exception {
        List<String> names = new ArrayList<>();
        try (CloseableIterator<Row> result = tables.executeSql("SHOW TABLES").collect()) {
            result.forEachRemaining(r -> names.add((String) r.getField(0)));
        }
        return names;
    }
}
