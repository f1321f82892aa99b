package io.runnel.server.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.runnel.server.testing.Clients;
import io.runnel.server.testing.RunnelServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The console as the server serves it: its page and files, its gateway to the APIs and its live events. */
@ExtendWith(RunnelServerExtension.class)
class ConsoleTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static URI uri(String path) {
        return RunnelServerExtension.server().endpoint().resolve(path);
    }

    @Test
    void aBrowserGetsThePageAtTheRootGzippedAndAnAwsClientStillGetsKinesissAnswer() throws Exception {
        HttpResponse<byte[]> page = HTTP.send(HttpRequest.newBuilder(uri("/")).header("Accept", "text/html,*/*;q=0.8")
                .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Encoding")).hasValue("gzip");
        String html = new String(new GZIPInputStream(new java.io.ByteArrayInputStream(page.body())).readAllBytes(), StandardCharsets.UTF_8);
        assertThat(html).contains("<title>Runnel console</title>", "/console/console.js", "/console/vendor/uPlot.iife.min.js");

        for (String asset : new String[] {"/console/console.js", "/console/console.css", "/console/vendor/uPlot.iife.min.js",
                "/console/vendor/uPlot.min.css", "/console/vendor/hls.min.js"}) {
            HttpResponse<String> file = HTTP.send(HttpRequest.newBuilder(uri(asset)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(file.statusCode()).as(asset).isEqualTo(200);
            assertThat(file.body()).as(asset).isNotEmpty();
            String etag = file.headers().firstValue("ETag").orElseThrow();
            HttpResponse<String> again = HTTP.send(HttpRequest.newBuilder(uri(asset)).header("If-None-Match", etag).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(again.statusCode()).as(asset).isEqualTo(304);
        }
        assertThat(HTTP.send(HttpRequest.newBuilder(uri("/console/nothing.js")).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(404);
        // GET / without asking for HTML is what Kinesis answers it with.
        HttpResponse<String> api = HTTP.send(HttpRequest.newBuilder(uri("/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(api.statusCode()).isEqualTo(403);
        assertThat(api.body()).startsWith("<AccessDeniedException>");
    }

    @Test
    void theGatewayCallsTheApisWithTheirOwnErrors() throws Exception {
        HttpResponse<String> list = HTTP.send(HttpRequest.newBuilder(uri("/console/api")).header("X-Amz-Target", "Kinesis_20131202.ListStreams")
                .header("Content-Type", "application/x-amz-json-1.1").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(list.body()).has("StreamNames")).isTrue();
        HttpResponse<String> missing = HTTP.send(HttpRequest.newBuilder(uri("/console/api"))
                .header("X-Amz-Target", "Kinesis_20131202.DescribeStreamSummary").header("Content-Type", "application/x-amz-json-1.1")
                .POST(HttpRequest.BodyPublishers.ofString("{\"StreamName\":\"no-such-stream\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(missing.body()).path("__type").asText()).isEqualTo("ResourceNotFoundException");
        HttpResponse<String> video = HTTP.send(HttpRequest.newBuilder(uri("/console/rest")).header("X-Runnel-Path", "/describeStream")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"StreamName\":\"no-such-camera\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(video.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(video.body()).path("__type").asText()).isEqualTo("ResourceNotFoundException");
    }

    @Test
    void liveEventsShowAStreamsShardsAndItsRecordsPerSecond() throws Exception {
        try (KinesisClient kinesis = Clients.sync(RunnelServerExtension.server().endpoint(), true)) {
            kinesis.createStream(b -> b.streamName("console-live").shardCount(2));
            Clients.awaitActive(kinesis, "console-live");
            HttpResponse<InputStream> events = HTTP.send(HttpRequest.newBuilder(uri("/console/events?stream=console-live")).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(events.headers().firstValue("Content-Type")).hasValue("text/event-stream; charset=utf-8");
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(events.body(), StandardCharsets.UTF_8))) {
                assertThat(lines.readLine()).isEqualTo("event: history");
                // Puts go on while the console watches, until an update shows a rate and both shards.
                CompletableFuture<JsonNode> seen = CompletableFuture.supplyAsync(() -> {
                    try {
                        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                            if (!line.startsWith("data: {\"at\"")) {
                                continue;
                            }
                            JsonNode update = JSON.readTree(line.substring(6));
                            kinesis.putRecord(b -> b.streamName("console-live").partitionKey("p").data(SdkBytes.fromUtf8String("hello")));
                            for (JsonNode s : update.path("streams")) {
                                if (s.path("name").asText().equals("console-live") && s.path("recordsPerSecond").asDouble() > 0) {
                                    return update;
                                }
                            }
                        }
                        return null;
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                JsonNode update = seen.get(60, TimeUnit.SECONDS);
                assertThat(update).isNotNull();
                assertThat(update.path("stream").path("name").asText()).isEqualTo("console-live");
                assertThat(update.path("stream").path("shards")).hasSize(2);
                assertThat(update.path("stream").path("shards").get(0).path("open").asBoolean()).isTrue();
            }
        }
    }
}
