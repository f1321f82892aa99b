package io.runnel.it;

import com.amazonaws.services.kinesisanalytics.runtime.KinesisAnalyticsRuntime;
import io.runnel.it.jobs.ClicksPerMinuteJob;
import io.runnel.it.jobs.CopyClicksJob;
import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.it.jobs.CopyStreamJob;
import io.runnel.video.testdata.SyntheticVideo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runnel on a real Flink cluster: a standalone session cluster with {@code runnel-connectors-*-sql.jar} in its
 * lib/, and users' jobs submitted with {@code flink run}, their jars holding only their own class. The SQL job
 * reads a stream through the SQL connector and writes the TUMBLE aggregate, exactly once, to a stream it
 * creates through the catalog, which signs its calls to a server that requires it. The DataStream job copies
 * a stream with RunnelSource and RunnelSink. And a Runnel server started with {@code --flink URL} runs its
 * applications there.
 */
class FlinkRunTest {


    @TempDir
    static Path dir;

    private static RunnelProcess runnel;
    private static KinesisClient kinesis;
    private static FlinkCluster flink;
    private static String bootstrap;

    @BeforeAll
    static void startFlinkAndRunnelAndFillClicks() throws Exception {
        int kafkaPort = RunnelProcess.freePort();
        int s3Port = RunnelProcess.freePort();
        bootstrap = "127.0.0.1:" + kafkaPort;
        flink = FlinkCluster.start(Path.of("target/flink-cluster"), 4, URI.create("http://127.0.0.1:" + s3Port));
        // Runnel runs its applications on that cluster, which keeps their checkpoints on Runnel's S3 endpoint.
        runnel = RunnelProcess.up(Path.of("target/runnel-flink-run.log"), "--kafka-port", Integer.toString(kafkaPort),
                "--s3-port", Integer.toString(s3Port), "--flink", flink.restUrl().toString(),
                "--data-dir", dir.resolve("data").toString(), "--create-stream-ms", "100", "--auth", Commands.KEY + ":" + Commands.SECRET);
        kinesis = runnel.client();
        StreamData.create(kinesis, "clicks", 2);
        Clicks.put(kinesis, "clicks", Clicks.all());
    }

    @AfterAll
    static void stop() throws Exception {
        if (flink != null) {
            flink.close();
        }
        if (kinesis != null) {
            kinesis.close();
        }
        if (runnel != null) {
            runnel.close();
        }
    }

    @Test
    void aSqlJobSubmittedWithFlinkRunWritesTheTumblingWindowAggregate() throws Exception {
        Path output = Path.of("target/flink-run-sql.out");
        int status = flink.run(JobJar.of(ClicksPerMinuteJob.class).writeTo(dir.resolve("clicks-per-minute.jar")), output, runnel.endpoint().toString(), bootstrap,
                "runnel", "runnel-secret");

        assertThat(status).as("flink run's exit status; its output is in %s, the cluster's logs in %s", output, flink.logs())
                .isZero();
        assertThat(StreamData.readAll(kinesis, "clicks_per_minute")).extracting(Clicks::perMinuteRow)
                .containsExactlyInAnyOrderElementsOf(Clicks.perMinute());
    }

    @Test
    void aDataStreamJobSubmittedWithFlinkRunCopiesAStreamExactlyOnce() throws Exception {
        StreamData.create(kinesis, "clicks_copy", 3);
        Path output = Path.of("target/flink-run-datastream.out");
        int status = flink.run(JobJar.of(CopyClicksJob.class).writeTo(dir.resolve("copy-clicks.jar")), output, bootstrap);

        assertThat(status).as("flink run's exit status; its output is in %s, the cluster's logs in %s", output, flink.logs())
                .isZero();
        assertThat(StreamData.readAll(kinesis, "clicks_copy", (key, click) -> key + " " + click))
                .containsExactlyInAnyOrderElementsOf(Clicks.all().stream().map(click -> Clicks.userOf(click) + " " + click).toList());
    }

    @Test
    void anApplicationRunsOnTheClusterRunnelWasPointedAt() throws Exception {
        StreamData.create(kinesis, "remote-in", 2);
        StreamData.create(kinesis, "remote-out", 2);
        Path jar = JobJar.of(CopyStreamJob.class).bundling(KinesisAnalyticsRuntime.class).writeTo(dir.resolve("copy-stream.jar"));
        String endpoint = runnel.endpoint().toString();
        List<String> deploy = new ArrayList<>(List.of("app", "deploy", jar.toString(), "--name", "remote-copy", "--endpoint", endpoint,
                "--checkpoint-interval", "1000", "--property", "copy.input=remote-in", "--property", "copy.output=remote-out",
                "--property", "copy.bootstrap-servers=" + bootstrap, "--property", "copy.transactional-id-prefix=remote-copy"));
        runnelApp(deploy.toArray(String[]::new));
        assertThat(flink.overview().path("jobs-running").asInt()).as("jobs running on the standalone cluster").isEqualTo(1);

        Map<String, Integer> written = new HashMap<>();
        List<String> put = new ArrayList<>(StreamData.putNumbered(kinesis, "remote-in", 5, 200, written));
        awaitCount("remote-out", put.size());
        runnelApp("app", "stop", "remote-copy", "--endpoint", endpoint);
        put.addAll(StreamData.putNumbered(kinesis, "remote-in", 5, 200, written));
        runnelApp("app", "start", "remote-copy", "--endpoint", endpoint);
        put.addAll(StreamData.putNumbered(kinesis, "remote-in", 5, 200, written));
        awaitCount("remote-out", put.size());
        assertThat(runnelApp("app", "status", "remote-copy", "--endpoint", endpoint)).contains("snapshot runnel-stop-");
        runnelApp("app", "stop", "remote-copy", "--endpoint", endpoint);

        assertThat(StreamData.readAll(kinesis, "remote-out")).containsExactlyInAnyOrderElementsOf(put);
    }

    @Test
    void theVideoAnalysisJobSubmittedWithFlinkRunFindsAVideosCuts() throws Exception {
        String endpoint = runnel.endpoint().toString();
        assertThat(Commands.aws(runnel.endpoint(), Commands.SECRET, "kinesisvideo", "create-stream", "--stream-name", "lobby",
                "--data-retention-in-hours", "1").exit()).isZero();
        StreamData.create(kinesis, "lobby-events", 1);
        SyntheticVideo.Truth truth = SyntheticVideo.write(dir.resolve("lobby.mkv"), dir.resolve("lobby.json"), 640, 360, 23);
        Commands.runnelOk("video", "put", "--endpoint", endpoint, "lobby", dir.resolve("lobby.mkv").toString());

        Path output = Path.of("target/flink-run-video.out");
        // Signed calls to a server with --auth: the Kafka cluster asked of the server, fragments fetched from it.
        int status = flink.run(List.of("-d", "-c", "io.runnel.jobs.video.VideoAnalysisJob"), FlinkCluster.HOME.resolve("opt/runnel-jobs.jar"),
                output, "--stream", "lobby", "--events", "lobby-events", "--endpoint", endpoint,
                "--access-key-id", Commands.KEY, "--secret-access-key", Commands.SECRET);
        assertThat(status).as("flink run's exit status; its output is in %s, the cluster's logs in %s", output, flink.logs()).isZero();
        java.util.regex.Matcher submitted = java.util.regex.Pattern.compile("JobID ([0-9a-f]{32})").matcher(Files.readString(output));
        assertThat(submitted.find()).as("flink run's output: %s", Files.readString(output)).isTrue();
        try {
            long cuts = truth.boundaries().stream().filter(b -> b.transition().equals("cut")).count();
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> VideoAnalysisTest.of(
                    VideoAnalysisTest.events(kinesis, "lobby-events"), "shot_boundary").size() >= truth.boundaries().size());
            List<JsonNode> found = VideoAnalysisTest.of(VideoAnalysisTest.events(kinesis, "lobby-events"), "shot_boundary");
            assertThat(found).hasSize(truth.boundaries().size());
            assertThat(found.stream().filter(e -> e.path("transition").asText().equals("cut")).count()).isEqualTo(cuts);
            assertThat(VideoAnalysisTest.of(VideoAnalysisTest.events(kinesis, "lobby-events"), "error")).isEmpty();
        } finally {
            flink.cancel(submitted.group(1));
        }
    }

    private static void awaitCount(String stream, int count) {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> StreamData.readAll(kinesis, stream).size() >= count);
    }

    private static String runnelApp(String... args) throws Exception {
        return Commands.runnelOk(args);
    }
}
