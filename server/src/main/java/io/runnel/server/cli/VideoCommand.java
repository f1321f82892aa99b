package io.runnel.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.runnel.video.media.FFmpegLogging;
import io.runnel.video.media.MatroskaPackager;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.parsetools.RecordParser;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

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
            URI putMedia = endpoint.resolve("/putMedia");
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("x-amzn-stream-name", stream);
            headers.put("x-amzn-fragment-timecode-type", "RELATIVE");
            headers.put("x-amzn-producer-start-timestamp", BigDecimal.valueOf(System.currentTimeMillis(), 3).toPlainString());
            headers.put("x-amzn-fragment-acknowledgment-required", "1");
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(putMedia.toString());
            new ApiClient(endpoint).signed(putMedia, headers, new byte[0], "kinesisvideo")
                    .forEach((name, values) -> values.forEach(v -> options.addHeader(name, v)));
            // Vert.x's client reads the acknowledgements while the body still goes out (the JDK's reads its answer
            // only once the body has ended: a camera's acknowledgements would never show).
            Vertx vertx = Vertx.vertx();
            try {
                HttpClientRequest request;
                try {
                    request = await(vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(10_000)).request(options));
                } catch (ExecutionException e) {
                    System.err.println("runnel video put: cannot reach the Runnel server at " + endpoint + ": " + e.getCause().getMessage());
                    return 1;
                }
                request.setChunked(true);
                request.exceptionHandler(e -> { }); // a failed write or answer is reported where it is awaited
                Acknowledgements acks = new Acknowledgements(stream);
                request.response().onSuccess(acks::read).onFailure(acks.result::completeExceptionally);
                Thread packager = new Thread(() -> {
                    try {
                        MatroskaPackager.write(input, body(request, acks.result));
                        request.end();
                    } catch (Exception | Error e) {
                        if (acks.result.complete(1)) {
                            System.err.println("runnel video put: cannot read " + source + ": "
                                    + (e instanceof Exception x ? FFmpegLogging.describe(x) : e.toString()));
                            request.reset();
                        }
                    }
                }, "runnel-video-put");
                packager.setDaemon(true);
                packager.start();
                // An answer before the body's end (an error) ends the packaging, which for a camera would not end.
                acks.result.whenComplete((code, error) -> packager.interrupt());
                try {
                    return acks.result.get();
                } catch (ExecutionException e) {
                    System.err.println("runnel video put: the connection to " + endpoint + " failed: " + e.getCause().getMessage());
                    return 1;
                }
            } finally {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        }

        /** The request's body: each write waits until it is sent; once the server has answered, bytes are dropped. */
        private static OutputStream body(HttpClientRequest request, CompletableFuture<Integer> answered) {
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    if (answered.isDone()) {
                        return;
                    }
                    try {
                        await(request.write(Buffer.buffer().appendBytes(b, off, len)));
                    } catch (ExecutionException e) {
                        answered.completeExceptionally(e.getCause()); // the connection failed, not the source
                        throw new IOException(e.getCause());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt(); // the server answered: the packaging stops, quietly
                    }
                }
            };
        }

        private static <T> T await(io.vertx.core.Future<T> future) throws ExecutionException, InterruptedException {
            return future.toCompletionStage().toCompletableFuture().get();
        }
    }

    /** PutMedia's answer: each acknowledgement printed as it comes; the exit status once it ends. */
    private static final class Acknowledgements {
        final CompletableFuture<Integer> result = new CompletableFuture<>();
        private final String stream;
        private int persisted;
        private int errors;

        Acknowledgements(String stream) {
            this.stream = stream;
        }

        void read(HttpClientResponse response) {
            if (response.statusCode() != 200) {
                response.body().onSuccess(body -> {
                    JsonNode error = parse(body.toString());
                    System.err.println("runnel video put: " + error.path("__type").asText("HTTP " + response.statusCode()) + ": "
                            + error.path("message").asText(error.path("Message").asText("")));
                    result.complete(1);
                }).onFailure(result::completeExceptionally);
                return;
            }
            response.handler(RecordParser.newDelimited("\n", line -> acknowledged(line.toString())));
            response.exceptionHandler(result::completeExceptionally);
            response.endHandler(v -> {
                System.out.println(persisted + " fragments persisted to " + stream + (errors > 0 ? ", " + errors + " refused" : ""));
                result.complete(errors == 0 && persisted > 0 ? 0 : 1);
            });
        }

        private void acknowledged(String line) {
            if (line.isBlank()) {
                return;
            }
            JsonNode ack = parse(line);
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

        private static JsonNode parse(String text) {
            try {
                return JSON.readTree(text);
            } catch (IOException e) {
                return JSON.createObjectNode().put("message", text);
            }
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
        List<String> streams;
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
