package io.runnel.jobs.video;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.runnel.server.testing.Clients;
import io.runnel.server.testing.PutMedia;
import io.runnel.server.testing.RunnelServerExtension;
import io.runnel.video.analysis.Frames;
import io.runnel.video.testdata.Scores;
import io.runnel.video.testdata.SyntheticVideo;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The analysis job on a MiniCluster, following a video stream live: a generated video, then a producer whose
 * video cannot be decoded, then the video again, then the video again in another shape (4:3). Its events are
 * scored against the video's ground truth.
 */
@ExtendWith(RunnelServerExtension.class)
class VideoAnalysisJobTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long T0 = 1_800_000_000_000L;
    private static final long T1 = T0 + 100_000;
    private static final long T2 = T0 + 200_000;

    @Test
    void aLiveStreamsShotsBoundariesAndMotionReachTheEventsStreamOnceEachAndAnUndecodableFragmentIsAnError(@TempDir Path dir)
            throws Exception {
        URI endpoint = RunnelServerExtension.server().endpoint();
        try (KinesisVideoClient video = KinesisVideoClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("runnel", "runnel"))).build();
             KinesisClient kinesis = Clients.sync(endpoint, true)) {
            video.createStream(b -> b.streamName("analysed-cam").dataRetentionInHours(24));
            kinesis.createStream(b -> b.streamName("cam-events").shardCount(1));
            Clients.awaitActive(kinesis, "cam-events");
            SyntheticVideo.Truth truth = SyntheticVideo.write(dir.resolve("v.mkv"), dir.resolve("truth.json"), 640, 360, 7);
            byte[] matroska = Files.readAllBytes(dir.resolve("v.mkv"));
            SyntheticVideo.write(dir.resolve("v43.mkv"), dir.resolve("truth43.json"), 480, 360, 7);
            byte[] fourThirds = Files.readAllBytes(dir.resolve("v43.mkv"));

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.enableCheckpointing(500);
            Path thumbnails = dir.resolve("thumbnails");
            VideoAnalysisJob.build(env, VideoAnalysisJob.Settings.parse("--stream", "analysed-cam", "--events", "cam-events",
                    "--endpoint", endpoint.toString(), "--thumbnails", thumbnails.toUri().toString()));
            JobClient job = env.executeAsync("video analysis");
            try {
                put(endpoint, matroska, T0);
                List<String> undecodable = put(endpoint, unknownCodec(matroska), T0 + 50_000);
                put(endpoint, matroska, T1);
                put(endpoint, fourThirds, T2);

                // The video three times, and a cut where it starts again each time.
                int boundaries = 3 * truth.boundaries().size() + 2;
                int expected = 2 * boundaries + 3 * truth.motion().size() + undecodable.size();
                // All there, and nothing more at the checkpoints after.
                await().atMost(Duration.ofMinutes(3)).during(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(500))
                        .until(() -> events(kinesis, null).size() == expected);
                List<JsonNode> all = events(kinesis, null);
                assertThat(new HashSet<>(all)).as("every event once").hasSameSizeAs(all);

                List<JsonNode> found = events(kinesis, "shot_boundary");
                assertThat(found).hasSize(boundaries);
                for (String transition : List.of("cut", "gradual")) {
                    List<Scores.Interval> truths = new ArrayList<>();
                    for (long start : new long[] {T0, T1, T2}) {
                        truth.boundaries().stream().filter(b -> b.transition().equals(transition))
                                .forEach(b -> truths.add(new Scores.Interval(start + b.startMs(), start + b.endMs())));
                    }
                    if (transition.equals("cut")) {
                        truths.add(new Scores.Interval(T1, T1));
                        truths.add(new Scores.Interval(T2, T2));
                    }
                    List<Scores.Interval> got = found.stream().filter(e -> e.path("transition").asText().equals(transition))
                            .map(e -> new Scores.Interval(e.path("start_ms").asLong(), e.path("end_ms").asLong())).toList();
                    assertThat(Scores.f1(truths, got, 200)).as("%s: %s against %s", transition, got, truths)
                            .isGreaterThanOrEqualTo(transition.equals("cut") ? 0.95 : 0.8);
                }

                // Shots follow one another from boundary to boundary, each with its colours and a thumbnail.
                List<JsonNode> shots = events(kinesis, "shot");
                assertThat(shots).hasSize(boundaries);
                assertThat(shots.get(0).path("start_ms").asLong()).isEqualTo(T0);
                for (int i = 0; i < shots.size(); i++) {
                    JsonNode shot = shots.get(i);
                    assertThat(shot.path("end_ms").asLong()).isEqualTo(found.get(i).path("start_ms").asLong());
                    assertThat(shot.path("duration_ms").asLong()).isEqualTo(shot.path("end_ms").asLong() - shot.path("start_ms").asLong());
                    if (i > 0) {
                        assertThat(shot.path("start_ms").asLong()).isEqualTo(found.get(i - 1).path("end_ms").asLong());
                    }
                    assertThat(shot.path("dominant_colors")).isNotEmpty();
                    assertThat(shot.path("dominant_colors").get(0).path("hex").asText()).matches("#[0-9a-f]{6}");
                    BufferedImage thumbnail = ImageIO.read(Path.of(URI.create(shot.path("thumbnail").asText())).toFile());
                    assertThat(thumbnail.getWidth()).isEqualTo(Frames.WIDTH);
                }

                List<JsonNode> motion = events(kinesis, "motion");
                assertThat(motion).hasSize(3 * truth.motion().size());
                for (JsonNode m : motion) {
                    long start = m.path("start_ms").asLong() >= T2 ? T2 : m.path("start_ms").asLong() >= T1 ? T1 : T0;
                    assertThat(truth.motion()).anySatisfy(t -> assertThat(Scores.iou(new Scores.Interval(start + t.startMs(), start + t.endMs()),
                            new Scores.Interval(m.path("start_ms").asLong(), m.path("end_ms").asLong()), 40)).isGreaterThanOrEqualTo(0.7));
                    assertThat(m.path("area").path("width").asDouble()).isBetween(0.01, 1.0);
                }

                List<JsonNode> errors = events(kinesis, "error");
                assertThat(undecodable).isNotEmpty();
                assertThat(errors).extracting(e -> e.path("fragment_number").asText()).containsExactlyElementsOf(undecodable);
                assertThat(errors).allSatisfy(e -> assertThat(e.path("message").asText()).startsWith("FFmpeg could not decode the video")
                        .doesNotContain("java.io"));
            } finally {
                job.cancel().get();
            }
        }
    }

    /** Pushes a video, its producer's clock starting at {@code startMs}; the fragment numbers of its fragments. */
    private static List<String> put(URI endpoint, byte[] matroska, long startMs) throws Exception {
        PutMedia.Result result = PutMedia.put(endpoint.resolve("/putMedia"), matroska, "x-amzn-stream-name", "analysed-cam",
                "x-amzn-fragment-timecode-type", "RELATIVE", "x-amzn-producer-start-timestamp",
                java.math.BigDecimal.valueOf(startMs, 3).toPlainString());
        assertThat(result.status()).isEqualTo(200);
        assertThat(result.acks("ERROR")).isEmpty();
        return result.acks("PERSISTED").stream().map(a -> a.path("FragmentNumber").asText()).toList();
    }

    /** The same video under a codec id no decoder knows: stored as any fragment is, undecodable by the analysis. */
    private static byte[] unknownCodec(byte[] matroska) {
        String codec = "V_MPEG4/ISO/AVC";
        String text = new String(matroska, StandardCharsets.ISO_8859_1);
        int at = text.indexOf(codec);
        assertThat(at).isPositive();
        byte[] changed = matroska.clone();
        byte[] unknown = "V_RUNNEL/NONE/X".getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(unknown, 0, changed, at, unknown.length);
        return changed;
    }

    /** The events of the given type (all when null) in the events stream, in order. */
    private static List<JsonNode> events(KinesisClient kinesis, String type) throws Exception {
        String shard = kinesis.listShards(b -> b.streamName("cam-events")).shards().get(0).shardId();
        String iterator = kinesis.getShardIterator(b -> b.streamName("cam-events").shardId(shard)
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
        List<JsonNode> events = new ArrayList<>();
        while (true) {
            String current = iterator;
            var response = kinesis.getRecords(b -> b.shardIterator(current));
            for (Record r : response.records()) {
                JsonNode event = JSON.readTree(r.data().asByteArray());
                if (type == null || event.path("type").asText().equals(type)) {
                    events.add(event);
                }
            }
            if (response.records().isEmpty() && response.millisBehindLatest() == 0) {
                return events;
            }
            iterator = response.nextShardIterator();
        }
    }
}
