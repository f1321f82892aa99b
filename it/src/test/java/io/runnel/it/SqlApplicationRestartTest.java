package io.runnel.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisClient;

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
        List<String> clicks = Clicks.all();
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
            Clicks.put(kinesis, "restart-clicks", clicks.subList(0, clicks.size() / 2));
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
            Clicks.put(kinesis, "restart-clicks", clicks.subList(clicks.size() / 2, clicks.size()));
            // A click far later moves the watermark past every window of the data, so that all of them close.
            Clicks.put(kinesis, "restart-clicks", List.of("{\"user_id\":\"late\",\"url\":\"/\",\"ts\":\"2026-11-27 00:00:00.000\"}"));
            List<String> expected = Clicks.perMinute();
            await().atMost(TRANSITION).pollInterval(Duration.ofMillis(500))
                    .until(() -> StreamData.readAll(kinesis, "restart-counts").size() >= expected.size());
            runnelApp("stop", "clicks-per-minute");

            List<String> rows = StreamData.readAll(kinesis, "restart-counts").stream().map(Clicks::perMinuteRow).toList();
            assertThat(rows).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    private String runnelApp(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("app"));
        command.addAll(List.of(args));
        command.addAll(List.of("--endpoint", runnel.endpoint().toString()));
        return Commands.runnelOk(command.toArray(String[]::new));
    }
}
