package io.runnel.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.runnel.video.testdata.Scores;
import io.runnel.video.testdata.SyntheticVideo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.s3.S3Client;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Video analysis as a user runs it: {@code ./runnel video analyze} starts the job on the runtime, {@code ./runnel
 * video put --realtime} plays a generated video into the stream, and the runtime's Flink process is killed with
 * SIGKILL while the analysis follows it. The events, once the job has come back, are those of the video's ground
 * truth, each once.
 */
class VideoAnalysisTest {

    private static final ObjectMapper JSON = new ObjectMapper();

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
    void theAnalysisJobFollowsACameraAndLosesOrRepeatsNoEventWhenItsTaskManagerIsKilled() throws Exception {
        runnel = RunnelProcess.up(Path.of("target/runnel-video-analysis.log"), "--flink", "embedded",
                "--data-dir", dir.resolve("data").toString(), "--create-stream-ms", "100");
        String endpoint = runnel.endpoint().toString();
        SyntheticVideo.Truth truth = SyntheticVideo.write(dir.resolve("camera.mkv"), dir.resolve("truth.json"), 640, 360, 11);

        assertThat(Commands.aws(runnel.endpoint(), Commands.SECRET, "kinesisvideo", "create-stream", "--stream-name", "camera",
                "--data-retention-in-hours", "24").exit()).isZero();
        try (KinesisClient kinesis = runnel.client(); S3Client s3 = s3()) {
            kinesis.createStream(b -> b.streamName("camera-events").shardCount(1));
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200)).until(() -> kinesis.describeStreamSummary(
                    b -> b.streamName("camera-events")).streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);

            // What a user gets wrong is refused with the API's error, before any job starts.
            Commands.Result unknown = Commands.runnel("video", "analyze", "--endpoint", endpoint, "--stream", "no-such-camera",
                    "--events", "camera-events");
            assertThat(unknown.exit()).isEqualTo(1);
            assertThat(unknown.output()).contains("ResourceNotFoundException", "no-such-camera");
            assertThat(Commands.runnel("video", "analyze", "--endpoint", endpoint, "--stream", "camera", "--events", "no-such-events")
                    .output()).contains("ResourceNotFoundException", "no-such-events");
            assertThat(Commands.runnel("video", "analyze", "--endpoint", endpoint, "--stream", "camera", "--stream", "camera",
                    "--events", "camera-events").output()).contains("InvalidArgumentException", "StreamNames");
            assertThat(Commands.runnel("video", "analyze", "--endpoint", endpoint, "--stream", "camera", "--events", "kinesisvideo-camera")
                    .output()).contains("InvalidArgumentException", "EventsStreamName");

            assertThat(Commands.runnelOk("video", "analyze", "--endpoint", endpoint, "--stream", "camera", "--events", "camera-events"))
                    .contains("video-analysis-camera");
            Commands.Result again = Commands.runnel("video", "analyze", "--endpoint", endpoint, "--stream", "camera",
                    "--events", "camera-events");
            assertThat(again.output()).contains("ResourceInUseException");
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() ->
                    Commands.runnelOk("app", "list", "--endpoint", endpoint).matches("(?s).*video-analysis-camera\\s+RUNNING.*"));

            Process producer = new ProcessBuilder(RunnelProcess.ROOT.resolve("runnel").toString(), "video", "put", "--endpoint", endpoint,
                    "--realtime", "camera", dir.resolve("camera.mkv").toString())
                    .directory(RunnelProcess.ROOT.toFile()).redirectErrorStream(true)
                    .redirectOutput(Path.of("target/runnel-video-put.log").toFile()).start();
            try {
                // Mid-video: the first events committed, most of the video still to come.
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> !events(kinesis, "camera-events").isEmpty());
                assertThat(producer.isAlive()).as("the producer still pushing").isTrue();
                List<ProcessHandle> flink = runnel.children().stream()
                        .filter(p -> p.info().command().map(c -> c.endsWith("java")).orElse(false)).toList();
                assertThat(flink).as("the Flink runtime's JVM").isNotEmpty();
                flink.forEach(ProcessHandle::destroyForcibly);
                assertThat(producer.waitFor(3, TimeUnit.MINUTES)).isTrue();
                assertThat(producer.exitValue()).as("./runnel video put, see target/runnel-video-put.log").isZero();
            } finally {
                producer.destroyForcibly();
            }

            int boundaries = truth.boundaries().size();
            int expected = 2 * boundaries + truth.motion().size(); // a shot ends at each boundary
            // All there, and nothing more at the checkpoints after (one every 5 s).
            await().atMost(Duration.ofMinutes(5)).during(Duration.ofSeconds(12)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> events(kinesis, "camera-events").size() == expected);
            List<JsonNode> events = events(kinesis, "camera-events");
            assertThat(new HashSet<>(events)).as("every event once: %s", events).hasSameSizeAs(events);
            assertThat(of(events, "error")).isEmpty();

            List<JsonNode> found = of(events, "shot_boundary");
            List<JsonNode> shots = of(events, "shot");
            long start = shots.get(0).path("start_ms").asLong(); // the producer's clock at the video's first frame
            assertThat(found).hasSize(boundaries);
            for (String transition : List.of("cut", "gradual")) {
                List<Scores.Interval> truths = truth.boundaries().stream().filter(b -> b.transition().equals(transition))
                        .map(b -> new Scores.Interval(start + b.startMs(), start + b.endMs())).toList();
                List<Scores.Interval> got = found.stream().filter(e -> e.path("transition").asText().equals(transition))
                        .map(e -> new Scores.Interval(e.path("start_ms").asLong(), e.path("end_ms").asLong())).toList();
                assertThat(Scores.f1(truths, got, 200)).as("%s: %s against %s", transition, got, truths)
                        .isGreaterThanOrEqualTo(transition.equals("cut") ? 0.95 : 0.8);
            }
            // One shot ended at each boundary, the next starting where it ends: none lost to the kill, none twice.
            assertThat(shots).hasSize(boundaries);
            for (int i = 0; i < shots.size(); i++) {
                assertThat(shots.get(i).path("end_ms").asLong()).isEqualTo(found.get(i).path("start_ms").asLong());
                if (i > 0) {
                    assertThat(shots.get(i).path("start_ms").asLong()).isEqualTo(found.get(i - 1).path("end_ms").asLong());
                }
            }
            assertThat(of(events, "motion")).hasSize(truth.motion().size());

            // Thumbnails are objects on the S3 endpoint.
            URI thumbnail = URI.create(shots.get(1).path("thumbnail").asText());
            assertThat(thumbnail.getScheme()).isEqualTo("s3");
            byte[] jpeg = s3.getObjectAsBytes(b -> b.bucket(thumbnail.getHost()).key(thumbnail.getPath().substring(1))).asByteArray();
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
            assertThat(image.getWidth()).isEqualTo(320);

            // Deleting the application stops the analysis.
            assertThat(Commands.runnelOk("app", "delete", "video-analysis-camera", "--endpoint", endpoint)).contains("deleted");
            assertThat(Commands.runnelOk("app", "list", "--endpoint", endpoint)).doesNotContain("video-analysis-camera");
        }
    }

    private S3Client s3() throws Exception {
        return S3Client.builder().endpointOverride(runnel.s3Endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(Commands.KEY, Commands.SECRET))).build();
    }

    /** The events stream's records, in order. */
    static List<JsonNode> events(KinesisClient kinesis, String stream) {
        return StreamData.readAll(kinesis, stream).stream().map(VideoAnalysisTest::json).toList();
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static List<JsonNode> of(List<JsonNode> events, String type) {
        return events.stream().filter(e -> e.path("type").asText().equals(type)).toList();
    }
}
