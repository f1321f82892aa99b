package io.runnel.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.runnel.video.media.MatroskaPackager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/** {@code runnel video}: video streams from the command line. */
@Command(name = "video", mixinStandardHelpOptions = true, description = "Push video into video streams, and analyse it.",
        subcommands = {VideoCommand.Put.class, VideoCommand.Analyze.class})
public final class VideoCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * {@code runnel video put STREAM FILE|DEVICE}: the source repackaged as Matroska (H.264 copied, anything else
     * encoded) and sent in one PutMedia request, each fragment's acknowledgement printed as it comes.
     */
    @Command(name = "put", mixinStandardHelpOptions = true,
            description = "Push a video file or a camera (such as /dev/video0) into a video stream.")
    static final class Put implements Callable<Integer> {
        @Option(names = "--endpoint", description = "The Runnel server (default http://127.0.0.1:4567).", defaultValue = "http://127.0.0.1:4567")
        URI endpoint;
        @Option(names = "--format", description = "FFmpeg's input format, such as v4l2 (default: v4l2 for /dev/video*, else guessed).")
        String format;
        @Option(names = "--realtime", negatable = true, description = "Send no faster than the video plays (default: for cameras only).")
        Boolean realTime;
        @Parameters(index = "0", paramLabel = "STREAM", description = "The video stream.")
        String stream;
        @Parameters(index = "1", paramLabel = "FILE|DEVICE", description = "A video file, a camera device, or any input FFmpeg reads.")
        String source;

        @Override
        public Integer call() throws Exception {
            boolean device = source.startsWith("/dev/video");
            MatroskaPackager.Source input = new MatroskaPackager.Source(source, format != null ? format : device ? "v4l2" : null,
                    realTime != null ? realTime : device);
            PipedInputStream body = new PipedInputStream(1024 * 1024);
            PipedOutputStream matroska = new PipedOutputStream(body);
            AtomicReference<Exception> packaging = new AtomicReference<>();
            Thread packager = new Thread(() -> {
                try (matroska) {
                    MatroskaPackager.write(input, matroska);
                } catch (Exception e) {
                    packaging.set(e);
                }
            }, "runnel-video-put");
            packager.setDaemon(true);
            packager.start();

            URI putMedia = endpoint.resolve("/putMedia");
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("x-amzn-stream-name", stream);
            headers.put("x-amzn-fragment-timecode-type", "RELATIVE");
            headers.put("x-amzn-producer-start-timestamp", BigDecimal.valueOf(System.currentTimeMillis(), 3).toPlainString());
            headers.put("x-amzn-fragment-acknowledgment-required", "1");
            HttpRequest.Builder request = HttpRequest.newBuilder(putMedia).POST(HttpRequest.BodyPublishers.ofInputStream(() -> body));
            new ApiClient(endpoint).signed(putMedia, headers, new byte[0], "kinesisvideo")
                    .forEach((name, values) -> values.forEach(v -> request.header(name, v)));
            HttpResponse<java.util.stream.Stream<String>> response;
            try {
                response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build()
                        .send(request.build(), HttpResponse.BodyHandlers.ofLines());
            } catch (IOException e) {
                System.err.println("runnel video put: " + (packaging.get() != null ? packaging.get().getMessage()
                        : "cannot reach the Runnel server at " + endpoint + ": " + e.getMessage()));
                return 1;
            }
            if (response.statusCode() != 200) {
                JsonNode error = JSON.readTree(String.join("", (Iterable<String>) response.body()::iterator));
                System.err.println("runnel video put: " + error.path("__type").asText("HTTP " + response.statusCode()) + ": "
                        + error.path("message").asText(error.path("Message").asText("")));
                return 1;
            }
            int persisted = 0;
            int errors = 0;
            for (Iterator<String> lines = response.body().iterator(); lines.hasNext(); ) {
                String line = lines.next();
                if (line.isBlank()) {
                    continue;
                }
                JsonNode ack = JSON.readTree(line);
                switch (ack.path("EventType").asText()) {
                    case "PERSISTED" -> {
                        persisted++;
                        System.out.println("fragment " + ack.path("FragmentNumber").asText() + " persisted (timecode "
                                + ack.path("FragmentTimecode").asLong() + ")");
                    }
                    case "ERROR" -> {
                        errors++;
                        System.err.println("runnel video put: fragment at timecode " + ack.path("FragmentTimecode").asText("?") + ": "
                                + ack.path("ErrorCode").asText() + " (" + ack.path("ErrorId").asInt() + ")");
                    }
                    default -> {
                        // BUFFERING and RECEIVED come before every PERSISTED
                    }
                }
            }
            packager.join();
            if (packaging.get() != null) {
                System.err.println("runnel video put: cannot read " + source + ": " + packaging.get().getMessage());
                return 1;
            }
            System.out.println(persisted + " fragments persisted to " + stream + (errors > 0 ? ", " + errors + " refused" : ""));
            return errors == 0 && persisted > 0 ? 0 : 1;
        }
    }

    /**
     * {@code runnel video analyze --stream NAME --events DATA_STREAM}: starts the analysis job as an application
     * (StartVideoAnalysis) and returns; the runtime runs it until the application is deleted.
     */
    @Command(name = "analyze", aliases = "analyse", mixinStandardHelpOptions = true,
            description = "Start the video analysis job over video streams: shot boundaries, shots and motion, as JSON events in a data stream.")
    static final class Analyze implements Callable<Integer> {
        @Option(names = "--endpoint", description = "The Runnel server (default http://127.0.0.1:4567).", defaultValue = "http://127.0.0.1:4567")
        URI endpoint;
        @Option(names = "--stream", required = true, paramLabel = "NAME", description = "A video stream to analyse (repeat for more).")
        java.util.List<String> streams;
        @Option(names = "--events", required = true, paramLabel = "DATA_STREAM", description = "The data stream the events go to.")
        String events;
        @Option(names = "--application", paramLabel = "NAME", description = "The application's name (default video-analysis-STREAM).")
        String application;
        @Option(names = "--thumbnails", paramLabel = "URI", description = "Where shot thumbnails go (default s3://runnel-video/thumbnails/).")
        String thumbnails;

        @Override
        public Integer call() {
            var body = ApiClient.object().put("EventsStreamName", events);
            streams.forEach(body.putArray("StreamNames")::add);
            if (application != null) {
                body.put("ApplicationName", application);
            }
            if (thumbnails != null) {
                body.put("ThumbnailsLocation", thumbnails);
            }
            try {
                String name = new ApiClient(endpoint).runnel("StartVideoAnalysis", body).path("ApplicationName").asText();
                System.out.println(name + ": analysing " + String.join(", ", streams) + " into " + events
                        + " (./runnel app status " + name + " shows how it runs; ./runnel app delete " + name + " stops it)");
                return 0;
            } catch (ApiClient.ApiError | IllegalStateException e) {
                System.err.println("runnel video analyze: " + e.getMessage());
                return 1;
            }
        }
    }
}
