package io.runnel.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code ./runnel sql}, Flink's SQL client on the server's SQL Gateway, whose sessions start in the Runnel catalog;
 * and the gateway's own REST API, as a remote client or a notebook uses it.
 */
class SqlClientTest {

    @TempDir
    static Path dir;
    private static RunnelProcess runnel;
    private static KinesisClient kinesis;

    @BeforeAll
    static void up() throws Exception {
        runnel = RunnelProcess.up(Path.of("target/runnel-sql-client.log"), "--flink", "embedded",
                "--data-dir", dir.resolve("data").toString(), "--create-stream-ms", "100");
        kinesis = runnel.client();
        StreamData.create(kinesis, "gw-clicks", 2);
        Clicks.put(kinesis, "gw-clicks", Clicks.all());
    }

    @AfterAll
    static void down() throws Exception {
        if (kinesis != null) {
            kinesis.close();
        }
        if (runnel != null) {
            runnel.close();
        }
    }

    @Test
    void aScriptCreatesATableOverAStreamAndInsertsAWindowedAggregateIntoAnother() throws Exception {
        Path script = dir.resolve("per-minute.sql");
        Files.writeString(script, """
                CREATE TABLE clicks_json (user_id STRING, url STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
                  WITH ('connector' = 'runnel', 'stream' = 'gw-clicks', 'format' = 'json', 'scan.bounded' = 'true');
                -- In the Runnel catalog, a table of no other connector is a new stream.
                CREATE TABLE gw_per_minute (window_start TIMESTAMP(3), user_id STRING, clicks BIGINT)
                  WITH ('format' = 'json', 'shard-count' = '1');
                INSERT INTO gw_per_minute
                  SELECT window_start, user_id, COUNT(*) FROM TABLE(TUMBLE(TABLE clicks_json, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
                  GROUP BY window_start, window_end, user_id;
                SHOW TABLES;
                """);

        Commands.Result result = Commands.runnel("sql", "--endpoint", runnel.endpoint().toString(), "-f", script.toString());

        assertThat(result.exit()).as(result.output()).isZero();
        assertThat(result.output()).contains("Job ID");
        // SHOW TABLES' rows (the script's text, which the client echoes, has the names too, but not in a table).
        assertThat(result.output()).containsPattern("\\|\\s+gw-clicks\\s+\\|").containsPattern("\\|\\s+gw_per_minute\\s+\\|")
                .containsPattern("\\|\\s+clicks_json\\s+\\|");
        List<String> expected = Clicks.perMinute();
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .until(() -> StreamData.readAll(kinesis, "gw_per_minute").size() >= expected.size());
        assertThat(StreamData.readAll(kinesis, "gw_per_minute")).extracting(Clicks::perMinuteRow)
                .containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void runnelsFunctionsAreThereWithoutCreateFunction() throws Exception {
        Path script = dir.resolve("forest.sql");
        Files.writeString(script, """
                CREATE TEMPORARY VIEW readings AS SELECT * FROM (VALUES ('s1', 1, 10.0), ('s1', 2, 10.5), ('s1', 3, 9.5),
                  ('s2', 1, 3.0), ('s2', 2, 3.5)) AS t(sensor, seq, reading);
                SELECT sensor, seq, anomaly_score FROM RANDOM_CUT_FOREST(
                  input => TABLE readings PARTITION BY sensor, columns => DESCRIPTOR(reading), number_of_trees => 50);
                """);

        Commands.Result result = Commands.runnel("sql", "--endpoint", runnel.endpoint().toString(), "-f", script.toString());

        assertThat(result.exit()).as(result.output()).isZero();
        assertThat(result.output()).contains("anomaly_score").contains("Received a total of 5 rows");
    }

    @Test
    void aForestOverAColumnThatIsNoNumberSaysSo() throws Exception {
        Path script = dir.resolve("bad-forest.sql");
        Files.writeString(script, """
                CREATE TEMPORARY VIEW named AS SELECT * FROM (VALUES ('s1', 'ten'), ('s1', 'eleven')) AS t(sensor, label);
                SELECT * FROM RANDOM_CUT_FOREST(input => TABLE named PARTITION BY sensor, columns => DESCRIPTOR(label));
                """);

        Commands.Result result = Commands.runnel("sql", "--endpoint", runnel.endpoint().toString(), "-f", script.toString());

        assertThat(result.exit()).as(result.output()).isNotZero();
        assertThat(result.output()).contains("RANDOM_CUT_FOREST: column label is", "not a number");
        assertThat(runnel.alive()).isTrue();
    }

    @Test
    void aScriptWithAFailingStatementEndsWithAnErrorStatus() throws Exception {
        Path script = dir.resolve("broken.sql");
        Files.writeString(script, "SHOW TABLES;\nSELECT * FROM no_such_table;\nSHOW TABLES;\n");

        Commands.Result result = Commands.runnel("sql", "--endpoint", runnel.endpoint().toString(), "-f", script.toString());

        assertThat(result.exit()).as(result.output()).isNotZero();
        assertThat(result.output()).contains("no_such_table");
    }

    @Test
    void aStatementOverTheGatewaysRestApiReturnsRows() throws Exception {
        SqlGateway gateway = SqlGateway.open(URI.create(runnel.endpoints().path("SqlGatewayUrl").asText()),
                Map.of("execution.runtime-mode", "batch"));

        List<JsonNode> rows = gateway.run("SELECT COUNT(*) AS clicks FROM `gw-clicks` /*+ OPTIONS('scan.bounded' = 'true') */");

        assertThat(rows).singleElement().satisfies(row -> assertThat(row.at("/fields/0").asLong())
                .isEqualTo(Clicks.all().size()));
    }
}
