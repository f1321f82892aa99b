package io.runnel.jobs.sql;

import io.runnel.server.testing.Clients;
import io.runnel.server.testing.RunnelServerExtension;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.SqlParserException;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.api.internal.TableEnvironmentInternal;
import org.apache.flink.table.catalog.exceptions.TableAlreadyExistException;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** SQL applications run by {@link SqlApplication}: their statements in order, their INSERTs as one job. */
@ExtendWith(RunnelServerExtension.class)
class SqlApplicationTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static KinesisClient kinesis;

    @BeforeAll
    static void client() {
        kinesis = Clients.sync(RunnelServerExtension.server().endpoint(), true);
    }

    @AfterAll
    static void close() {
        kinesis.close();
    }

    private static TableEnvironmentInternal tables() {
        return (TableEnvironmentInternal) StreamTableEnvironment.create(StreamExecutionEnvironment.getExecutionEnvironment());
    }

    private static String table(String name, String stream) {
        return "CREATE TABLE " + name + " (id INT, word STRING) WITH ('connector' = 'runnel', 'stream' = '" + stream
                + "', 'bootstrap-servers' = '" + RunnelServerExtension.server().server.bootstrapServers() + "', 'format' = 'json');\n";
    }

    @Test
    void everyInsertOfTheScriptRunsInOneJob() throws Exception {
        createStream("app-words");
        createStream("app-lengths");
        String script = "-- words and their lengths; two INSERTs, one job\n"
                + table("words", "app-words") + table("lengths", "app-lengths")
                + "SET 'pipeline.name' = 'words-and-lengths';\n"
                + "CREATE TEMPORARY VIEW input AS SELECT * FROM (VALUES (1, 'runnel'), (2, 'a;b')) AS t(id, word);\n"
                + "INSERT INTO words SELECT id, word FROM input;\n"
                + "INSERT INTO lengths SELECT id, CAST(CHAR_LENGTH(word) AS STRING) FROM input;\n";

        TableResult result = SqlApplication.run(tables(), script);
        result.await();

        assertThat(result.getJobClient()).isPresent();
        assertThat(readAll("app-words")).containsExactlyInAnyOrder("{\"id\":1,\"word\":\"runnel\"}", "{\"id\":2,\"word\":\"a;b\"}");
        assertThat(readAll("app-lengths")).containsExactlyInAnyOrder("{\"id\":1,\"word\":\"6\"}", "{\"id\":2,\"word\":\"3\"}");
    }

    @Test
    void aStatementSetIsOneStatementDespiteItsSemicolons() throws Exception {
        createStream("app-set");
        String script = table("sink", "app-set") + """
                EXECUTE STATEMENT SET
                BEGIN
                  INSERT INTO sink VALUES (1, 'one');
                  INSERT INTO sink VALUES (2, 'two');
                END;
                """;

        SqlApplication.run(tables(), script).await();

        assertThat(readAll("app-set")).containsExactlyInAnyOrder("{\"id\":1,\"word\":\"one\"}", "{\"id\":2,\"word\":\"two\"}");
    }

    @Test
    void aScriptThatCreatesItsOutputStreamRunsAgainButNotOverOtherColumns() throws Exception {
        String script = "CREATE TABLE app_made (id INT, word STRING) WITH ('format' = 'json');\n"
                + "INSERT INTO app_made VALUES (1, 'again');\n";
        SqlApplication.run(inRunnelCatalog(), script).await();
        SqlApplication.run(inRunnelCatalog(), script).await();
        assertThat(readAll("app_made")).containsExactly("{\"id\":1,\"word\":\"again\"}", "{\"id\":1,\"word\":\"again\"}");

        assertThatThrownBy(() -> SqlApplication.run(inRunnelCatalog(), "CREATE TABLE app_made (id BIGINT) WITH ('format' = 'json');\n"
                + "INSERT INTO app_made VALUES (2);\n")).hasRootCauseInstanceOf(TableAlreadyExistException.class);
    }

    private static TableEnvironmentInternal inRunnelCatalog() {
        TableEnvironmentInternal tables = tables();
        tables.executeSql("CREATE CATALOG runnel WITH ('type' = 'runnel', 'endpoint' = '" + RunnelServerExtension.server().endpoint() + "')");
        tables.useCatalog("runnel");
        return tables;
    }

    @Test
    void sqlThatDoesNotParseFailsWithFlinksMessage() {
        assertThatThrownBy(() -> SqlApplication.run(tables(), "CREATE TABEL x (a INT);\nINSERT INTO x VALUES (1);"))
                .isInstanceOf(SqlParserException.class).hasMessageContaining("TABEL");
        assertThatThrownBy(() -> SqlApplication.run(tables(), "INSERT INTO x VALUES (1"))
                .isInstanceOf(SqlParserException.class);
    }

    @Test
    void aScriptWithoutInsertsOrWithABareQueryIsRefused() {
        assertThatThrownBy(() -> SqlApplication.run(tables(), "CREATE TEMPORARY VIEW v AS SELECT 1 AS x;"))
                .isInstanceOf(ValidationException.class).hasMessageContaining("ends in INSERT INTO statements");
        assertThatThrownBy(() -> SqlApplication.run(tables(), "SELECT 1;"))
                .isInstanceOf(ValidationException.class).hasMessageContaining("cannot run a query on its own");
    }

    private static void createStream(String name) {
        kinesis.createStream(b -> b.streamName(name).shardCount(1));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() ->
                kinesis.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
    }

    private static List<String> readAll(String stream) {
        List<String> records = new ArrayList<>();
        String iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId("shardId-000000000000")
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
        while (true) {
            String current = iterator;
            GetRecordsResponse page = kinesis.getRecords(b -> b.shardIterator(current));
            page.records().forEach(r -> records.add(r.data().asUtf8String()));
            if (page.records().isEmpty() && page.millisBehindLatest() == 0) {
                return records;
            }
            iterator = page.nextShardIterator();
        }
    }
}
