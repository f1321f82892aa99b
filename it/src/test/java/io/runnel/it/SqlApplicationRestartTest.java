package io.runnel.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A SQL application (a TUMBLE count from a stream into a stream, through an exactly-once sink) outlives its
 * server: the server is killed with SIGKILL, its Flink runtime goes with it, and once the server is started
 * again the application runs again from its last checkpoint. Its output has every window's count once.
 */
class SqlApplicationRestartTest {

    private static final Path TESTDATA = RunnelProcess.ROOT.resolve("testdata");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TRANSITION = Duration.ofMinutes(3);

    @TempDir
    Path dir;
    private RunnelProcess runnel;

    @AfterEach
    void down() throws Exception {
        if (runnel != null) {
            runnel.close();
        }
    }

    @Test
    void afterTheServerIsKilledTheApplicationRunsAgainWithoutDuplicatesOrGaps() throws Exception {
        String[] flags = {"--flink", "embedded", "--kafka-port", Integer.toString(RunnelProcess.freePort()),
                "--data-dir", dir.resolve("data").toString(), "--create-stream-ms", "100"};
        runnel = RunnelProcess.up(Path.of("target/runnel-sql-restart-1.log"), flags);
        List<String> clicks = Files.readAllLines(TESTDATA.resolve("clicks.jsonl"));
        Path app = dir.resolve("clicks-per-minute.sql");
        Files.writeString(app, """
                -- Each user's clicks per minute. The tables are over existing streams, in the Runnel catalog's session.
                CREATE TABLE clicks (user_id STRING, url STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
                  WITH ('connector' = 'runnel', 'stream' = 'restart-clicks', 'format' = 'json');
                CREATE TABLE counts (window_start TIMESTAMP(3), user_id STRING, clicks BIGINT)
                  WITH ('connector' = 'runnel', 'stream' = 'restart-counts', 'format' = 'json', 'sink.partition-key' = 'user_id',
                        'sink.delivery-guarantee' = 'exactly-once', 'sink.transactional-id-prefix' = 'restart-counts');
                INSERT INTO counts
                  SELECT window_start, user_id, COUNT(*) FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
                  GROUP BY window_start, window_end, user_id;
                """);
        try (KinesisClient kinesis = runnel.client()) {
            StreamData.create(kinesis, "restart-clicks", 1);
            StreamData.create(kinesis, "restart-counts", 1);
            runnelApp("deploy", app.toString(), "--checkpoint-interval", "1000");
            put(kinesis, clicks.subList(0, clicks.size() / 2));
            // Windows of the first half are counted and committed before the kill.
            await().atMost(TRANSITION).pollInterval(Duration.ofMillis(500))
                    .until(() -> !StreamData.readAll(kinesis, "restart-counts").isEmpty());
        }

        List<ProcessHandle> runtime = runnel.children();
        assertThat(runtime).as("the Flink runtime's process").isNotEmpty();
        runnel.kill();
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(runtime).noneMatch(ProcessHandle::isAlive));

        runnel = RunnelProcess.up(Path.of("target/runnel-sql-restart-2.log"), flags);
        try (KinesisClient kinesis = runnel.client()) {
            await().atMost(TRANSITION).pollInterval(Duration.ofMillis(500))
                    .until(() -> runnelApp("status", "clicks-per-minute").contains("clicks-per-minute: RUNNING"));
            put(kinesis, clicks.subList(clicks.size() / 2, clicks.size()));
            // A click far later moves the watermark past every window of the data, so that all of them close.
            put(kinesis, List.of("{\"user_id\":\"late\",\"url\":\"/\",\"ts\":\"2026-11-27 00:00:00.000\"}"));
            List<String> expected = expectedClicksPerMinute();
            await().atMost(TRANSITION).pollInterval(Duration.ofMillis(500))
                    .until(() -> StreamData.readAll(kinesis, "restart-counts").size() >= expected.size());
            runnelApp("stop", "clicks-per-minute");

            List<String> rows = StreamData.readAll(kinesis, "restart-counts").stream().map(SqlApplicationRestartTest::row).toList();
            assertThat(rows).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    private static void put(KinesisClient kinesis, List<String> clicks) {
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (String click : clicks) {
            entries.add(PutRecordsRequestEntry.builder().partitionKey(parse(click).path("user_id").asText())
                    .data(SdkBytes.fromUtf8String(click)).build());
        }
        for (int from = 0; from < entries.size(); from += 500) {
            List<PutRecordsRequestEntry> batch = entries.subList(from, Math.min(entries.size(), from + 500));
            assertThat(kinesis.putRecords(b -> b.streamName("restart-clicks").records(batch)).failedRecordCount()).isZero();
        }
    }

    private String runnelApp(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("app"));
        command.addAll(List.of(args));
        command.addAll(List.of("--endpoint", runnel.endpoint().toString()));
        Commands.Result r = Commands.runnel(command.toArray(String[]::new));
        assertThat(r.exit()).as("./runnel %s: %s", String.join(" ", command), r.output()).isZero();
        return r.output();
    }

    /** A counts record as {@code window_start,user_id,clicks}, like the checked-in answer. */
    private static String row(String json) {
        JsonNode row = parse(json);
        return row.path("window_start").asText() + "," + row.path("user_id").asText() + "," + row.path("clicks").asLong();
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> expectedClicksPerMinute() throws IOException {
        List<String> lines = Files.readAllLines(TESTDATA.resolve("clicks-per-minute.csv"));
        return lines.subList(1, lines.size());
    }
}
