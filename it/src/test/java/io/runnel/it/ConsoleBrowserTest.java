package io.runnel.it;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.WaitForSelectorState;
import io.runnel.video.testdata.SyntheticVideo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamStatus;
import software.amazon.awssdk.services.firehose.model.Record;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console in Debian's Chromium, driven by Playwright, against {@code ./runnel up} with its Flink runtime: a stream
 * being written, a delivery stream that delivered, its application, and a camera played over HLS. Every page loads
 * without a script error or a failed request; a screenshot of each is left under {@code target/console/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {

    private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
    private static final Path SCREENSHOTS = Path.of("target/console");

    @TempDir
    static Path dir;

    private static RunnelProcess runnel;
    private static KinesisClient kinesis;
    private static Playwright playwright;
    private static Browser browser;

    private BrowserContext context;
    private Page page;
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void up() throws Exception {
        runnel = RunnelProcess.up(Path.of("target/runnel-console.log"), "--flink", "embedded", "--data-dir",
                dir.resolve("data").toString(), "--create-stream-ms", "100");
        kinesis = runnel.client();
        // Playwright's own browsers are never fetched: the machine's Chromium is the one it drives.
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM).setHeadless(true)
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--autoplay-policy=no-user-gesture-required")));
    }

    @AfterAll
    static void down() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {browser, playwright, kinesis, runnel}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @BeforeEach
    void open() {
        context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 1000));
        page = context.newPage();
        page.onPageError(error -> problems.add("page error: " + error));
        page.onConsoleMessage(message -> {
            if (message.type().equals("error")) {
                problems.add("console error: " + message.text());
            }
        });
        page.onRequestFailed(request -> {
            // Leaving a page ends its event stream and any read under way: that is the browser's doing, not a failure.
            if (!"net::ERR_ABORTED".equals(request.failure())) {
                problems.add("request failed: " + request.url() + " " + request.failure());
            }
        });
        page.onResponse(response -> {
            if (response.status() >= 400) {
                problems.add("HTTP " + response.status() + ": " + response.url());
            }
        });
    }

    @AfterEach
    void close(TestInfo test) {
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(test.getTestMethod().orElseThrow().getName() + "-last.png"))
                .setFullPage(true));
        context.close();
        assertThat(problems).as("what the browser saw go wrong").isEmpty();
    }

    private void screenshot(String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name + ".png")).setFullPage(true));
    }

    private static void awaitActive(String stream) {
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200)).until(() -> kinesis.describeStreamSummary(
                b -> b.streamName(stream)).streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
    }

    private static double number(String text) {
        return Double.parseDouble(text.replace(",", "").trim());
    }

    @Test
    @Order(1)
    void aStreamBeingWrittenShowsItsThroughputItsLineageAfterASplitAndItsNewestRecords() throws Exception {
        kinesis.createStream(b -> b.streamName("console-orders").shardCount(1));
        awaitActive("console-orders");
        // A steady writer: a record every 20 ms, scheduled, while the page is looked at.
        ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger written = new AtomicInteger();
        writer.scheduleAtFixedRate(() -> {
            int n = written.getAndIncrement();
            kinesis.putRecord(b -> b.streamName("console-orders").partitionKey("customer-" + n % 7)
                    .data(SdkBytes.fromUtf8String("{\"order\":" + n + ",\"amount\":" + (n % 50) + "}")));
        }, 0, 20, TimeUnit.MILLISECONDS);
        try {
            page.navigate(runnel.endpoint() + "/");
            Locator row = page.locator("#stream-list tr[data-stream='console-orders']");
            row.waitFor();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .until(() -> number(row.locator("[data-field=rate]").textContent()) > 0);
            assertThat(row.locator(".spark canvas").count()).as("a sparkline").isEqualTo(1);
            screenshot("overview");

            row.locator("a").click();
            page.locator("#live-rate").waitFor();
            assertThat(page.locator("#throughput .uplot canvas").count()).as("the throughput chart").isEqualTo(1);
            String total = page.locator("#total-records").textContent();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .until(() -> !page.locator("#total-records").textContent().equals(total));
            assertThat(number(page.locator("#live-rate").textContent())).isGreaterThan(0);

            // A split made now shows in the lineage: the parent closed, two children open.
            String parent = kinesis.listShards(b -> b.streamName("console-orders")).shards().get(0).shardId();
            kinesis.splitShard(b -> b.streamName("console-orders").shardToSplit(parent)
                    .newStartingHashKey("170141183460469231731687303715884105728"));
            page.locator("#lineage-graph g[data-shard='" + parent + "'][data-state='closed']").waitFor();
            assertThat(page.locator("#lineage-graph g[data-state='open']").count()).isEqualTo(2);
            assertThat(page.locator("#lineage-graph path").count()).as("an edge from the parent to each child").isEqualTo(2);

            // The writer stops first, so that the marker is the newest record: a view behind a busy shard skips ahead.
            writer.shutdown();
            assertThat(writer.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            String marker = "console-tail-" + UUID.randomUUID();
            kinesis.putRecord(b -> b.streamName("console-orders").partitionKey("marker").data(SdkBytes.fromUtf8String("{\"note\":\"" + marker + "\"}")));
            page.locator("#tail td.data:has-text('" + marker + "')").waitFor();
            // A reader polling a child shard shows with its lag.
            String child = kinesis.listShards(b -> b.streamName("console-orders")).shards().stream()
                    .filter(s -> s.parentShardId() != null).findFirst().orElseThrow().shardId();
            String iterator = kinesis.getShardIterator(b -> b.streamName("console-orders").shardId(child)
                    .shardIteratorType(software.amazon.awssdk.services.kinesis.model.ShardIteratorType.TRIM_HORIZON)).shardIterator();
            kinesis.getRecords(b -> b.shardIterator(iterator));
            page.locator("#readers tr:has-text('" + child + "')").waitFor();
            screenshot("stream");
        } finally {
            writer.shutdown();
            assertThat(writer.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    @Order(2)
    void aDeliveryStreamShowsItsFilesAndItsApplicationItsStatus() throws Exception {
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(Commands.KEY, Commands.SECRET));
        try (S3Client s3 = S3Client.builder().endpointOverride(runnel.s3Endpoint()).region(Region.US_EAST_1).credentialsProvider(credentials)
                .forcePathStyle(true).build();
             FirehoseClient firehose = FirehoseClient.builder().endpointOverride(runnel.endpoint()).region(Region.US_EAST_1)
                     .credentialsProvider(credentials).build()) {
            s3.createBucket(b -> b.bucket("console-lake"));
            firehose.createDeliveryStream(r -> r.deliveryStreamName("console-landing").extendedS3DestinationConfiguration(d -> d
                    .roleARN("arn:aws:iam::000000000000:role/firehose").bucketARN("arn:aws:s3:::console-lake").prefix("landing/")
                    .bufferingHints(b -> b.intervalInSeconds(5))));
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> firehose.describeDeliveryStream(
                    b -> b.deliveryStreamName("console-landing")).deliveryStreamDescription().deliveryStreamStatus() == DeliveryStreamStatus.ACTIVE);
            List<Record> records = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                records.add(Record.builder().data(SdkBytes.fromUtf8String("{\"visit\":" + i + "}\n")).build());
            }
            assertThat(firehose.putRecordBatch(b -> b.deliveryStreamName("console-landing").records(records)).failedPutCount()).isZero();

            page.navigate(runnel.endpoint() + "/#/deliveries/console-landing");
            page.locator("#delivered-files tr").first().waitFor(new Locator.WaitForOptions().setTimeout(Duration.ofMinutes(4).toMillis()));
            assertThat(page.locator("#delivered-files tr").first().textContent()).startsWith("landing/");
            assertThat(number(page.locator("#delivered-objects").textContent())).isGreaterThanOrEqualTo(1);
            screenshot("delivery-stream");

            // An application's results, from the stream it writes: a chart of the columns chosen.
            kinesis.createStream(b -> b.streamName("console-results").shardCount(1));
            awaitActive("console-results");
            for (int i = 0; i < 20; i++) {
                int n = i;
                kinesis.putRecord(b -> b.streamName("console-results").partitionKey("window")
                        .data(SdkBytes.fromUtf8String("{\"window\":\"w" + n + "\",\"visits\":" + (n * 3) + ",\"p99\":" + (100 - n) + "}")));
            }
            page.navigate(runnel.endpoint() + "/#/applications/firehose-console-landing");
            page.locator("#application-status .status.RUNNING").waitFor(new Locator.WaitForOptions().setTimeout(Duration.ofMinutes(1).toMillis()));
            page.locator("#flink-job").waitFor(new Locator.WaitForOptions().setTimeout(Duration.ofSeconds(30).toMillis()));
            page.locator("#results-stream option[value='console-results']").waitFor(new Locator.WaitForOptions().setState(WaitForSelectorState.ATTACHED));
            page.selectOption("#results-stream", "console-results");
            page.locator("#result-columns input[data-column='p99']").waitFor();
            assertThat(page.locator("#result-columns input[data-column='window']").count()).as("a text column is not offered").isZero();
            page.locator("#results-chart .uplot canvas").waitFor();
            assertThat(page.locator("#results-chart .u-legend .u-series").allTextContents()).anySatisfy(label -> assertThat(label).contains("visits"));
            screenshot("application");
        }
    }

    @Test
    @Order(3)
    void aSqlApplicationsPageChartsTheStreamItWrites() throws Exception {
        kinesis.createStream(b -> b.streamName("console-readings").shardCount(1));
        kinesis.createStream(b -> b.streamName("console-doubled").shardCount(1));
        awaitActive("console-readings");
        awaitActive("console-doubled");
        Path app = dir.resolve("console-doubler.sql");
        java.nio.file.Files.writeString(app, """
                CREATE TABLE readings (sensor STRING, reading DOUBLE) WITH ('connector' = 'runnel', 'stream' = 'console-readings', 'format' = 'json');
                CREATE TABLE doubled (sensor STRING, twice DOUBLE) WITH ('connector' = 'runnel', 'stream' = 'console-doubled', 'format' = 'json');
                INSERT INTO doubled SELECT sensor, reading * 2 FROM readings;
                """);
        Commands.runnelOk("app", "deploy", app.toString(), "--endpoint", runnel.endpoint().toString(), "--checkpoint-interval", "1000");
        for (int i = 0; i < 10; i++) {
            int n = i;
            kinesis.putRecord(b -> b.streamName("console-readings").partitionKey("s")
                    .data(SdkBytes.fromUtf8String("{\"sensor\":\"s1\",\"reading\":" + n + ".5}")));
        }
        page.navigate(runnel.endpoint() + "/#/applications/console-doubler");
        page.locator("#application-status .status.RUNNING").waitFor(new Locator.WaitForOptions().setTimeout(Duration.ofMinutes(2).toMillis()));
        // The stream it writes is found in its SQL and charted, without a choice made.
        page.locator("#result-columns input[data-column='twice']").waitFor(new Locator.WaitForOptions().setTimeout(Duration.ofMinutes(1).toMillis()));
        assertThat(page.inputValue("#results-stream")).isEqualTo("console-doubled");
        page.locator("#results-chart .uplot canvas").waitFor();
        screenshot("sql-application");
    }

    @Test
    @Order(4)
    void aCameraPlaysLiveOverHls() throws Exception {
        Path video = dir.resolve("camera.mkv");
        SyntheticVideo.write(video, dir.resolve("truth.json"), 640, 360, 7);
        assertThat(Commands.aws(runnel.endpoint(), Commands.SECRET, "kinesisvideo", "create-stream", "--stream-name", "console-camera",
                "--data-retention-in-hours", "24").exit()).isZero();
        Process producer = new ProcessBuilder(RunnelProcess.ROOT.resolve("runnel").toString(), "video", "put", "--endpoint",
                runnel.endpoint().toString(), "--realtime", "console-camera", video.toString())
                .directory(RunnelProcess.ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(Path.of("target/runnel-console-video-put.log").toFile()).start();
        try {
            // A live session needs fragments to play: the page opens once the first are stored.
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500)).until(() -> Commands.aws(runnel.endpoint(),
                    Commands.SECRET, "kinesis-video-archived-media", "list-fragments", "--stream-name", "console-camera")
                    .output().contains("FragmentNumber"));
            page.navigate(runnel.endpoint() + "/#/video/console-camera");
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
                    .until(() -> number(page.locator("#fragments-per-minute").textContent()) > 0);
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
                    .until(() -> ((Number) page.evaluate("document.getElementById('player').currentTime")).doubleValue() > 1.0);

            // The analysis' shots on a timeline, with their thumbnails; clicking one plays the video from its start.
            kinesis.createStream(b -> b.streamName("console-camera-events").shardCount(1));
            awaitActive("console-camera-events");
            Commands.runnelOk("video", "analyze", "--endpoint", runnel.endpoint().toString(), "--stream", "console-camera",
                    "--events", "console-camera-events");
            page.selectOption("#playback-mode", "ON_DEMAND");
            page.locator("#events-stream option[value='console-camera-events']").waitFor(new Locator.WaitForOptions()
                    .setState(WaitForSelectorState.ATTACHED));
            page.selectOption("#events-stream", "console-camera-events");
            Locator shot = page.locator("#timeline .event:has(img)").nth(1);
            shot.waitFor(new Locator.WaitForOptions().setTimeout(Duration.ofMinutes(3).toMillis()));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() ->
                    (Boolean) page.evaluate("(() => { const img = document.querySelectorAll('#timeline .event img')[1];"
                            + " return img.complete && img.naturalWidth > 0; })()"));
            long at = Long.parseLong(shot.getAttribute("data-at"));
            shot.click();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
                Object playing = page.evaluate("window.runnelPlayer && window.runnelPlayer.playingDate ? window.runnelPlayer.playingDate.getTime() : 0");
                return Math.abs(((Number) playing).longValue() - at) < 3000;
            });
            screenshot("video-stream");
        } finally {
            producer.destroyForcibly();
        }
    }

    /** Once every service has run: the whole page reads as Prometheus reads it, and the Grafana dashboard graphs only what it has. */
    @Test
    @Order(5)
    void theMetricsPageOfEveryServiceParsesAndTheGrafanaDashboardGraphsWhatItShows() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        var health = http.send(java.net.http.HttpRequest.newBuilder(runnel.endpoint().resolve("/health")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("{\"status\":\"UP\",\"checks\":{\"kafka\":\"UP\",\"flink\":\"UP\",\"s3\":\"UP\"}}");
        String body = http.send(java.net.http.HttpRequest.newBuilder(runnel.endpoint().resolve("/metrics"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        io.runnel.server.testing.PrometheusText metrics = io.runnel.server.testing.PrometheusText.parse(body);
        java.util.Set<String> shown = new java.util.HashSet<>();
        metrics.samples().forEach(sample -> shown.add(sample.name()));
        assertThat(shown).contains("kinesis_incoming_records_total", "firehose_delivery_to_s3_records_total",
                "kinesisanalytics_uptime_milliseconds", "kinesisvideo_put_media_incoming_fragments_total");
        assertThat(metrics.value("firehose_delivery_to_s3_records_total", Map.of("delivery_stream_name", "console-landing"))).isEqualTo(200.0);

        com.fasterxml.jackson.databind.JsonNode dashboard = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(RunnelProcess.ROOT.resolve("deploy/grafana/runnel-dashboard.json").toFile());
        java.util.regex.Pattern family = java.util.regex.Pattern.compile("\\b(kinesis|firehose|kinesisanalytics|kinesisvideo)_[a-z0-9_]+");
        List<String> graphed = new ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode expr : dashboard.findValues("expr")) {
            java.util.regex.Matcher m = family.matcher(expr.asText());
            while (m.find()) {
                graphed.add(m.group());
            }
        }
        assertThat(graphed).hasSizeGreaterThan(15);
        assertThat(shown).as("what /metrics shows").containsAll(graphed);
    }
}
