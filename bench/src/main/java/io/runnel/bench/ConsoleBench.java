package io.runnel.bench;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The console: what its first load costs (bytes on the wire, gzipped, and time), and the server CPU its live updates
 * take with 10 consoles open while 20 streams are written, against the same load with no console open, in alternating
 * turns so that drift in the load shows; then the same without the load, where the consoles' cost stands alone.
 */
final class ConsoleBench {

    private static final int STREAMS = 20;
    private static final int CONSOLES = 10;
    private static final int RECORDS_PER_PUT = 50;
    private static final long PUTS_PER_SECOND_PER_STREAM = 4;
    private static final int WARMUP_SECONDS = 90;
    private static final int PHASE_SECONDS = 30;
    private static final Pattern ASSET = Pattern.compile("(?:src|href)=\"(/console/[^\"]+)\"");

    private ConsoleBench() {
    }

    static void run(String[] args) throws Exception {
        Path dir = Bench.scratchDir("runnel-bench-console");
        try (ServerProcess server = ServerProcess.start(dir.resolve("data"))) {
            HttpClient http = HttpClient.newHttpClient();
            firstLoad(http, server.endpoint);
            liveUpdates(http, server);
        }
    }

    /** Fetches the page and every file it names, as a browser on its first visit: gzipped, nothing cached. */
    private static void firstLoad(HttpClient http, String endpoint) throws Exception {
        long started = System.nanoTime();
        HttpResponse<byte[]> page = http.send(HttpRequest.newBuilder(URI.create(endpoint + "/")).header("Accept", "text/html")
                .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
        long wire = page.body().length;
        String html = new String(new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(page.body())).readAllBytes(),
                StandardCharsets.UTF_8);
        Set<String> assets = new LinkedHashSet<>();
        Matcher m = ASSET.matcher(html);
        while (m.find()) {
            assets.add(m.group(1));
        }
        for (String asset : assets) {
            wire += http.send(HttpRequest.newBuilder(URI.create(endpoint + asset)).header("Accept-Encoding", "gzip").build(),
                    HttpResponse.BodyHandlers.ofByteArray()).body().length;
        }
        double ms = (System.nanoTime() - started) / 1e6;
        long hls = http.send(HttpRequest.newBuilder(URI.create(endpoint + "/console/vendor/hls.min.js")).header("Accept-Encoding", "gzip")
                .build(), HttpResponse.BodyHandlers.ofByteArray()).body().length;
        System.out.printf("console first load: %d files, %.1f KB gzipped on the wire, %.0f ms fetched one after another (cold server)%n",
                assets.size() + 1, wire / 1024.0, ms);
        System.out.printf("  the video page adds hls.js when opened: %.1f KB gzipped%n", hls / 1024.0);
    }

    private static void liveUpdates(HttpClient http, ServerProcess server) throws Exception {
        List<String> names = new ArrayList<>();
        try (KinesisClient kinesis = StreamsBench.client(server.endpoint)) {
            for (int i = 0; i < STREAMS; i++) {
                String name = "console-bench-" + i;
                names.add(name);
                kinesis.createStream(b -> b.streamName(name).shardCount(2));
            }
            for (String name : names) {
                while (kinesis.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary().streamStatus() != StreamStatus.ACTIVE) {
                    TimeUnit.MILLISECONDS.sleep(100);
                }
            }
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicLong put = new AtomicLong();
            List<PutRecordsRequestEntry> batch = new ArrayList<>();
            for (int i = 0; i < RECORDS_PER_PUT; i++) {
                batch.add(PutRecordsRequestEntry.builder().partitionKey("key-" + i).data(SdkBytes.fromUtf8String("{\"reading\":" + i + "}")).build());
            }
            // A steady load: each stream gets a put of 50 records every quarter second, whatever the consoles do.
            java.util.concurrent.ScheduledExecutorService writers = Executors.newScheduledThreadPool(4);
            for (String name : names) {
                writers.scheduleAtFixedRate(() -> {
                    if (writing.get()) {
                        kinesis.putRecords(b -> b.streamName(name).records(batch));
                        put.addAndGet(RECORDS_PER_PUT);
                    }
                }, 0, 1000 / PUTS_PER_SECOND_PER_STREAM, TimeUnit.MILLISECONDS);
            }
            TimeUnit.SECONDS.sleep(WARMUP_SECONDS);

            // Busy: turns without and with consoles, twice, so that the load's own drift shows beside their difference.
            Turn none1 = phase(server, put);
            Consoles first = Consoles.open(http, server.endpoint, names);
            Turn with1 = phase(server, put);
            long events = first.close();
            Turn none2 = phase(server, put);
            Consoles second = Consoles.open(http, server.endpoint, names);
            Turn with2 = phase(server, put);
            second.close();
            // Quiet: no puts, so that what the consoles cost stands alone.
            writing.set(false);
            TimeUnit.SECONDS.sleep(3);
            Turn quiet = phase(server, put);
            Consoles third = Consoles.open(http, server.endpoint, names);
            Turn quietWith = phase(server, put);
            third.close();
            writers.shutdown();
            writers.awaitTermination(10, TimeUnit.SECONDS);

            double baseline = (none1.cpu() + none2.cpu()) / 2;
            double watched = (with1.cpu() + with2.cpu()) / 2;
            System.out.printf("live updates: %d consoles watching %d streams written at %.0f records/s in all%n", CONSOLES, STREAMS,
                    (with1.recordsPerSecond() + with2.recordsPerSecond()) / 2);
            System.out.printf("  busy, no console (baseline): %.1f%% and %.1f%% of one core%n", none1.cpu(), none2.cpu());
            System.out.printf("  busy, %d consoles:           %.1f%% and %.1f%% of one core; mean %.2fx the baseline's%n", CONSOLES,
                    with1.cpu(), with2.cpu(), watched / baseline);
            System.out.printf("  quiet, no console: %.2f%%, %d consoles: %.2f%% of one core: the consoles cost %.2f%% of one core%n",
                    quiet.cpu(), CONSOLES, quietWith.cpu(), quietWith.cpu() - quiet.cpu());
            System.out.printf("  quiet, the event loops (which write the events): %.2f%% without consoles, %.2f%% with%n",
                    quiet.of(EVENT_LOOPS), quietWith.of(EVENT_LOOPS));
            System.out.printf("  quiet, the threads whose CPU moved most with the consoles: %s%n", largestDifferences(quiet, quietWith));
            System.out.printf("  the console's own threads (building the updates): %.2f%% busy, %.2f%% quiet; %d events reached the "
                    + "consoles in %d s (%.1f per console per second)%n", (with1.of(CONSOLE_THREADS) + with2.of(CONSOLE_THREADS)) / 2, quietWith.of(CONSOLE_THREADS), events, PHASE_SECONDS,
                    events / (double) CONSOLES / PHASE_SECONDS);
        }
    }

    /** Consoles watching live: half the overview, half a stream's page (its shards and readers as well). */
    private record Consoles(List<InputStream> bodies, ExecutorService readers, AtomicLong events) {
        static Consoles open(HttpClient http, String endpoint, List<String> streams) throws Exception {
            Consoles c = new Consoles(new ArrayList<>(), Executors.newFixedThreadPool(CONSOLES), new AtomicLong());
            for (int i = 0; i < CONSOLES; i++) {
                String path = i % 2 == 0 ? "/console/events" : "/console/events?stream=" + streams.get(i);
                InputStream body = http.send(HttpRequest.newBuilder(URI.create(endpoint + path)).build(),
                        HttpResponse.BodyHandlers.ofInputStream()).body();
                c.bodies.add(body);
                c.readers.submit(() -> {
                    try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                        for (String line; (line = lines.readLine()) != null; ) {
                            if (line.startsWith("data:")) {
                                c.events.incrementAndGet();
                            }
                        }
                    }
                    return null;
                });
            }
            TimeUnit.SECONDS.sleep(3); // the consoles settle: their first events are sent
            c.events.set(0);
            return c;
        }

        /** Closes them; returns how many updates they got since they settled. */
        long close() throws Exception {
            long got = events.get();
            for (InputStream body : bodies) {
                body.close();
            }
            readers.shutdownNow();
            TimeUnit.SECONDS.sleep(3);
            return got;
        }
    }

    /** The console's own threads ({@code runnel-console-...}) and Vert.x's event loops, as /proc names them (15 characters). */
    private static final String CONSOLE_THREADS = "runnel-console-";
    private static final String EVENT_LOOPS = "vert.x-eventloo";

    /** One turn: the server's CPU and each group of its threads', as percentages of one core, and the records put per second. */
    private record Turn(double cpu, double recordsPerSecond, Map<String, Double> byThreads) {
        double of(String threads) {
            return byThreads.getOrDefault(threads, 0.0);
        }
    }

    private static Turn phase(ServerProcess server, AtomicLong put) throws InterruptedException {
        double cpu = server.cpuSeconds();
        Map<String, Double> before = server.cpuSecondsByThread();
        long records = put.get();
        long started = System.nanoTime();
        TimeUnit.SECONDS.sleep(PHASE_SECONDS);
        double seconds = (System.nanoTime() - started) / 1e9;
        double used = server.cpuSeconds() - cpu;
        Map<String, Double> byThreads = new java.util.TreeMap<>();
        server.cpuSecondsByThread().forEach((group, after) -> byThreads.put(group, 100 * (after - before.getOrDefault(group, 0.0)) / seconds));
        return new Turn(100 * used / seconds, (put.get() - records) / seconds, byThreads);
    }

    /** The groups of threads whose CPU differs most between two turns, largest first. */
    private static String largestDifferences(Turn without, Turn with) {
        Set<String> groups = new java.util.TreeSet<>(without.byThreads().keySet());
        groups.addAll(with.byThreads().keySet());
        return groups.stream().sorted(java.util.Comparator.comparingDouble((String g) -> -Math.abs(with.of(g) - without.of(g)))).limit(5)
                .map(g -> String.format("%s %+.2f%%", g, with.of(g) - without.of(g))).collect(java.util.stream.Collectors.joining(", "));
    }
}
