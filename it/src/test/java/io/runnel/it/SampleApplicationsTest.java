package io.runnel.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample applications of {@code sql/examples/}, each deployed with {@code ./runnel app deploy} as a user
 * deploys it, on its input from {@code sql/examples/testdata/} in event time: what it writes to its output
 * stream is exactly its file in {@code sql/examples/expected/}, line for line (in any order).
 *
 * <p>Each input stream has two shards. Every line but the last is put with its first field as partition key; the
 * last line of each input file is later than the data's last window and is put on every shard, as live traffic on
 * every shard would be, so that the watermark passes every window of the data.
 *
 * <p>And a SQL application with a mistake (an unknown table, a wrong argument type, a DESCRIPTOR naming a text
 * column) fails to start with a message that says so, while the server and the other applications run on.
 */
class SampleApplicationsTest {

    private static final Path EXAMPLES = RunnelProcess.ROOT.resolve("sql/examples");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private static RunnelProcess runnel;
    private static KinesisClient kinesis;
    private static final Set<String> filled = new HashSet<>();

    @BeforeAll
    static void up() throws Exception {
        runnel = RunnelProcess.up(Path.of("target/runnel-sample-applications.log"), "--flink", "embedded",
                "--data-dir", dir.resolve("data").toString(), "--create-stream-ms", "100");
        kinesis = runnel.client();
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
    void topPagesPerMinuteWithATumbleWindow() throws Exception {
        assertSampleWrites("top-pages", "top_pages", "pageviews");
    }

    @Test
    void userSessionsWithASessionWindow() throws Exception {
        assertSampleWrites("user-sessions", "user_sessions", "pageviews");
    }

    @Test
    void anomaliesInAMetricStreamWithRandomCutForest() throws Exception {
        assertSampleWrites("sensor-anomalies", "sensor_anomalies", "metrics");
    }

    @Test
    void ordersJoinedWithShipmentsByAnIntervalJoin() throws Exception {
        assertSampleWrites("orders-shipments", "shipped_orders", "orders", "shipments");
    }

    @Test
    void aKinesisSqlApplicationMigrated() throws Exception {
        assertSampleWrites("stock-anomalies", "stock_anomalies", "stock-trades");
    }

    @Test
    void theAnomalySampleKeepsItsForestsAcrossAStopWithSnapshotAndAStart() throws Exception {
        Path app = dir.resolve("restart-anomalies.sql");
        Files.writeString(app, Files.readString(EXAMPLES.resolve("sensor-anomalies.sql"))
                .replace("'stream' = 'metrics'", "'stream' = 'restart-metrics'").replace("sensor_anomalies", "restart_anomalies"));
        List<String> lines = Files.readAllLines(EXAMPLES.resolve("testdata/metrics.jsonl"));
        StreamData.create(kinesis, "restart-metrics", 2);
        // Three sensors, a reading each per second: up to second 420, past sensor s1's anomaly at second 400.
        int firstPart = 3 * 420;
        putKeyedByFirstField("restart-metrics", lines.subList(0, firstPart));
        app("deploy", app.toString());
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).ignoreException(ResourceNotFoundException.class)
                .until(() -> StreamData.readAll(kinesis, "restart_anomalies").size() >= 1);

        app("stop", "restart-anomalies");
        app("start", "restart-anomalies");
        // The anomalies of s2 and s3 come after the restart; forests that forgot their first 420 readings would be
        // warming up again and score them 0.
        putKeyedByFirstField("restart-metrics", lines.subList(firstPart, lines.size()));
        List<String> expected = Files.readAllLines(EXAMPLES.resolve("expected/sensor-anomalies.jsonl")).stream().sorted().toList();
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .until(() -> StreamData.readAll(kinesis, "restart_anomalies").size() >= expected.size());
        app("stop", "restart-anomalies");

        assertThat(StreamData.readAll(kinesis, "restart_anomalies").stream().sorted().toList()).containsExactlyElementsOf(expected);
    }

    @Test
    void mistakesInSqlApplicationsSayWhatIsWrongAndTheOthersRunOn() throws Exception {
        StreamData.create(kinesis, "steady-views", 1);
        Path steady = dir.resolve("steady.sql");
        Files.writeString(steady, """
                CREATE TEMPORARY TABLE views_in (user_id STRING, url STRING, ts TIMESTAMP(3))
                  WITH ('connector' = 'runnel', 'stream' = 'steady-views', 'format' = 'json');
                CREATE TABLE steady_copies (user_id STRING, url STRING, ts TIMESTAMP(3)) WITH ('format' = 'json');
                INSERT INTO steady_copies SELECT * FROM views_in;
                """);
        app("deploy", steady.toString());

        String table = "CREATE TEMPORARY TABLE readings (sensor STRING, reading DOUBLE) "
                + "WITH ('connector' = 'runnel', 'stream' = 'steady-views', 'format' = 'json');\n"
                + "CREATE TABLE scores (sensor STRING, reading DOUBLE, anomaly_score DOUBLE) WITH ('format' = 'json');\n";
        assertThat(failedDeploy("unknown-table", table + "INSERT INTO scores SELECT sensor, reading, 0.0 FROM no_such_stream;"))
                .contains("Object 'no_such_stream' not found");
        assertThat(failedDeploy("wrong-argument-type", table + "INSERT INTO scores SELECT * FROM RANDOM_CUT_FOREST("
                + "input => TABLE readings PARTITION BY sensor, columns => DESCRIPTOR(reading), number_of_trees => 'many');"))
                .contains("No match found for function signature RANDOM_CUT_FOREST", "<COLUMN_LIST>, <CHARACTER>");
        assertThat(failedDeploy("text-column", table + "INSERT INTO scores SELECT * FROM RANDOM_CUT_FOREST("
                + "input => TABLE readings PARTITION BY sensor, columns => DESCRIPTOR(sensor));"))
                .contains("RANDOM_CUT_FOREST: column sensor is STRING, not a number");

        assertThat(app("status", "steady")).contains("steady: RUNNING");
        List<String> views = Files.readAllLines(EXAMPLES.resolve("testdata/pageviews.jsonl")).subList(0, 100);
        Clicks.put(kinesis, "steady-views", views);
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).ignoreException(ResourceNotFoundException.class)
                .until(() -> StreamData.readAll(kinesis, "steady_copies").size() >= views.size());
        app("stop", "steady");
        assertThat(StreamData.readAll(kinesis, "steady_copies").stream().map(SampleApplicationsTest::viewOf))
                .containsExactlyInAnyOrderElementsOf(views.stream().map(SampleApplicationsTest::viewOf).toList());
    }

    /** Deploys a SQL application that cannot start, and returns what {@code ./runnel app deploy} said. */
    private static String failedDeploy(String name, String script) throws Exception {
        Path file = dir.resolve(name + ".sql");
        Files.writeString(file, script);
        Commands.Result r = Commands.runnel("app", "deploy", file.toString(), "--endpoint", runnel.endpoint().toString());
        assertThat(r.exit()).as(r.output()).isNotZero();
        assertThat(runnel.alive()).isTrue();
        return r.output();
    }

    private static String viewOf(String json) {
        try {
            JsonNode view = JSON.readTree(json);
            return view.path("user_id").asText() + "," + view.path("url").asText() + "," + view.path("ts").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertSampleWrites(String sample, String output, String... inputs) throws Exception {
        for (String input : inputs) {
            fill(input);
        }
        List<String> expected = Files.readAllLines(EXAMPLES.resolve("expected").resolve(sample + ".jsonl")).stream().sorted().toList();
        assertThat(expected).as("expected output of %s", sample).isNotEmpty();

        app("deploy", EXAMPLES.resolve(sample + ".sql").toString());
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).ignoreException(ResourceNotFoundException.class)
                .until(() -> StreamData.readAll(kinesis, output).size() >= expected.size());
        app("stop", sample);

        List<String> written = StreamData.readAll(kinesis, output).stream().sorted().toList();
        Path actual = Path.of("target/sample-applications").resolve(sample + ".jsonl");
        Files.createDirectories(actual.getParent());
        Files.write(actual, written);
        assertThat(written).as("%s's output (in %s)", sample, actual.toAbsolutePath()).containsExactlyElementsOf(expected);
    }

    /** Creates the stream and puts its test data, once per stream (two samples read pageviews). */
    private static void fill(String stream) throws Exception {
        if (!filled.add(stream)) {
            return;
        }
        List<String> lines = Files.readAllLines(EXAMPLES.resolve("testdata").resolve(stream + ".jsonl"));
        StreamData.create(kinesis, stream, 2);
        putKeyedByFirstField(stream, lines.subList(0, lines.size() - 1));
        String last = lines.get(lines.size() - 1);
        List<PutRecordsRequestEntry> ticks = new ArrayList<>();
        for (Shard shard : kinesis.listShards(b -> b.streamName(stream)).shards()) {
            ticks.add(PutRecordsRequestEntry.builder().partitionKey("tick").explicitHashKey(shard.hashKeyRange().startingHashKey())
                    .data(SdkBytes.fromUtf8String(last)).build());
        }
        StreamData.put(kinesis, stream, ticks);
    }

    private static void putKeyedByFirstField(String stream, List<String> lines) throws IOException {
        List<PutRecordsRequestEntry> records = new ArrayList<>();
        for (String line : lines) {
            String key = JSON.readTree(line).elements().next().asText();
            records.add(PutRecordsRequestEntry.builder().partitionKey(key).data(SdkBytes.fromUtf8String(line)).build());
        }
        StreamData.put(kinesis, stream, records);
    }

    private static String app(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("app"));
        command.addAll(List.of(args));
        command.addAll(List.of("--endpoint", runnel.endpoint().toString()));
        return Commands.runnelOk(command.toArray(String[]::new));
    }
}
