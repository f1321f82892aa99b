package io.runnel.bench;

import io.runnel.video.analysis.Frames;
import io.runnel.video.analysis.VideoAnalysis;
import io.runnel.video.testdata.Scores;
import io.runnel.video.testdata.SyntheticVideo;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./runnel bench video}: how fast the analysis decodes and reads video, against ffmpeg's own scene detection
 * on the same files in the same run (both on one core), with the F1 of each on the files' ground truth; then
 * PutMedia ingest from several producers against putting the same fragments on the same S3 endpoint directly.
 * {@code ./runnel bench video analysis} or {@code ingest} runs one part.
 */
final class VideoBench {

    private static final int ROUNDS = 5;
    private static final Pattern PTS = Pattern.compile("pts_time:([0-9.]+)");

    private VideoBench() {
    }

    static void run(String[] args) throws Exception {
        String part = args.length > 0 ? args[0] : "all";
        Path dir = Bench.scratchDir("runnel-bench-video");
        if (!part.equals("ingest")) {
            analysis(dir, 640, 360);
            analysis(dir, 1280, 720);
        }
        if (!part.equals("analysis")) {
            ingest(dir);
        }
    }

    private record Detected(List<Scores.Interval> cuts, List<Scores.Interval> gradual) {
    }

    private static void analysis(Path dir, int width, int height) throws Exception {
        Path video = dir.resolve("synthetic-" + width + ".mkv");
        SyntheticVideo.Truth truth = SyntheticVideo.write(video, dir.resolve("truth-" + width + ".json"), width, height, 7);
        double seconds = truth.frames() / (double) SyntheticVideo.FPS;
        double[] runnel = new double[ROUNDS];
        double[] ffmpeg = new double[ROUNDS];
        Detected ours = null;
        Detected theirs = null;
        for (int round = 0; round < ROUNDS; round++) {
            long start = System.nanoTime();
            ours = analyse(video);
            runnel[round] = truth.frames() / ((System.nanoTime() - start) / 1e9);
            start = System.nanoTime();
            theirs = ffmpegScenes(video);
            ffmpeg[round] = truth.frames() / ((System.nanoTime() - start) / 1e9);
        }
        double fps = ConnectorBench.median(runnel);
        double baseline = ConnectorBench.median(ffmpeg);
        List<Scores.Interval> cuts = truth.boundaries().stream().filter(b -> b.transition().equals("cut"))
                .map(b -> new Scores.Interval(b.startMs(), b.endMs())).toList();
        List<Scores.Interval> gradual = truth.boundaries().stream().filter(b -> b.transition().equals("gradual"))
                .map(b -> new Scores.Interval(b.startMs(), b.endMs())).toList();
        System.out.printf("%dx%d H.264 at 25 fps, %.1f s, %d frames (median of %d rounds, one core each):%n", width, height, seconds,
                truth.frames(), ROUNDS);
        System.out.printf("  Runnel's analysis (decode, shots, motion):   %,.0f frames/s = %.1fx real time%s%n", fps, fps / SyntheticVideo.FPS,
                width == 640 ? "   (floor 4x: " + (fps / SyntheticVideo.FPS >= 4 ? "met" : "NOT met") + ")" : "");
        System.out.printf("  ffmpeg select='gt(scene,0.3)' (decode, score): %,.0f frames/s = %.1fx real time;  speed ratio Runnel/ffmpeg %.2f"
                + "   (floor 0.5: %s)%n", baseline, baseline / SyntheticVideo.FPS, fps / baseline, fps / baseline >= 0.5 ? "met" : "NOT met");
        System.out.printf("  F1 hard cuts:  Runnel %.2f, ffmpeg %.2f;  F1 gradual transitions:  Runnel %.2f, ffmpeg %.2f  (within 0.2 s)%n",
                Scores.f1(cuts, ours.cuts(), 200), Scores.f1(cuts, theirs.cuts(), 200),
                Scores.f1(gradual, ours.gradual(), 200), Scores.f1OfPoints(gradual, theirs.gradual(), 200));
    }

    /** The analysis the job runs on each video stream: shot boundaries, shots (colours, motion, thumbnail frame), motion. */
    private static Detected analyse(Path video) {
        VideoAnalysis analysis = new VideoAnalysis();
        List<VideoAnalysis.Event> found = new ArrayList<>();
        long[] last = {0};
        Frames.decodeFile(video.toString(), f -> {
            found.addAll(analysis.accept(f));
            last[0] = f.timeMs();
        });
        found.addAll(analysis.finish(last[0]));
        List<VideoAnalysis.Boundary> boundaries = found.stream().filter(e -> e instanceof VideoAnalysis.Boundary)
                .map(e -> (VideoAnalysis.Boundary) e).toList();
        return new Detected(
                boundaries.stream().filter(b -> b.transition().equals("cut")).map(b -> new Scores.Interval(b.startMs(), b.endMs())).toList(),
                boundaries.stream().filter(b -> b.transition().equals("gradual")).map(b -> new Scores.Interval(b.startMs(), b.endMs())).toList());
    }

    /** ffmpeg's scene score over the same file: each frame it selects is a boundary at that frame. */
    private static Detected ffmpegScenes(Path video) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ffmpeg", "-hide_banner", "-threads", "1", "-filter_threads", "1", "-i", video.toString(),
                "-vf", "select='gt(scene,0.3)',showinfo", "-f", "null", "-").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("ffmpeg failed: " + out);
        }
        List<Scores.Interval> points = new ArrayList<>();
        Matcher m = PTS.matcher(out);
        while (m.find()) {
            long ms = Math.round(Double.parseDouble(m.group(1)) * 1000);
            points.add(new Scores.Interval(ms, ms));
        }
        return new Detected(points, points);
    }

    /** Producers each push the 30-second test video several times, at once, into streams of their own. */
    private static void ingest(Path dir) throws Exception {
        int producers = 4;
        int pushes = 5;
        Path video = dir.resolve("ingest.mkv");
        SyntheticVideo.write(video, dir.resolve("ingest.json"), 640, 360, 3);
        byte[] mkv = Files.readAllBytes(video);
        try (ServerProcess server = ServerProcess.start(dir.resolve("data"))) {
            URI endpoint = URI.create(server.endpoint);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (int i = 0; i < producers; i++) {
                post(http, endpoint.resolve("/createStream"), "{\"StreamName\":\"bench-" + i + "\",\"DataRetentionInHours\":24}");
            }
            for (int i = 0; i < producers; i++) {
                String body = "{\"StreamName\":\"bench-" + i + "\"}";
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!post(http, endpoint.resolve("/describeStream"), body).contains("\"ACTIVE\"") && System.nanoTime() < deadline) {
                    java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                }
            }
            List<byte[]> fragments = io.runnel.video.mkv.MkvFragmenter.split(mkv).stream().map(io.runnel.video.mkv.Fragment::bytes).toList();
            ExecutorService pool = Executors.newFixedThreadPool(producers);
            long start = System.nanoTime();
            List<Future<Integer>> acks = new ArrayList<>();
            for (int i = 0; i < producers; i++) {
                String stream = "bench-" + i;
                acks.add(pool.submit(() -> {
                    int persisted = 0;
                    for (int k = 0; k < pushes; k++) {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(endpoint.resolve("/putMedia"))
                                .header("x-amzn-stream-name", stream).header("x-amzn-fragment-acknowledgment-required", "1")
                                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(mkv))).build(),
                                HttpResponse.BodyHandlers.ofString());
                        persisted += r.body().split("\"PERSISTED\"", -1).length - 1;
                    }
                    return persisted;
                }));
            }
            int persisted = 0;
            for (Future<Integer> f : acks) {
                persisted += f.get();
            }
            double putSeconds = (System.nanoTime() - start) / 1e9;
            double bytes = (double) mkv.length * producers * pushes;

            String described = http.send(HttpRequest.newBuilder(endpoint).header("Content-Type", "application/x-amz-json-1.1")
                    .header("X-Amz-Target", "Runnel_20261126.DescribeEndpoints").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            URI s3Endpoint = URI.create(new com.fasterxml.jackson.databind.ObjectMapper().readTree(described).get("S3Endpoint").asText());
            // S3Proxy takes no trailing checksums: only where an operation requires one, as Runnel's own client does.
            S3Client s3 = S3Client.builder().endpointOverride(s3Endpoint).region(Region.US_EAST_1).forcePathStyle(true)
                    .requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("runnel", "runnel"))).build();
            s3.createBucket(b -> b.bucket("bench-baseline"));
            start = System.nanoTime();
            List<Future<?>> puts = new ArrayList<>();
            for (int i = 0; i < producers; i++) {
                int producer = i;
                puts.add(pool.submit(() -> {
                    for (int k = 0; k < pushes; k++) {
                        for (int n = 0; n < fragments.size(); n++) {
                            byte[] fragment = fragments.get(n);
                            s3.putObject(b -> b.bucket("bench-baseline").key(producer + "/" + System.nanoTime()), RequestBody.fromBytes(fragment));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : puts) {
                f.get();
            }
            double s3Seconds = (System.nanoTime() - start) / 1e9;
            pool.shutdown();
            int expected = fragments.size() * producers * pushes;
            System.out.printf("PutMedia, %d producers each pushing a %d-fragment video %d times: %d of %d fragments persisted%n", producers,
                    fragments.size(), pushes, persisted, expected);
            System.out.printf("  %,.0f fragments/s, %.1f MB/s%n", expected / putSeconds, bytes / putSeconds / 1e6);
            System.out.printf("  baseline, the same number of fragment-sized objects put straight on the S3 endpoint from %d threads: "
                    + "%,.0f objects/s;  ratio %.2f%n", producers, expected / s3Seconds, (expected / putSeconds) / (expected / s3Seconds));
        }
    }

    private static String post(HttpClient http, URI uri, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
