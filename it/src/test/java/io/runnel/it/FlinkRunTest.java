package io.runnel.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.runnel.it.jobs.ClicksPerMinuteJob;
import io.runnel.it.jobs.CopyClicksJob;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runnel on a real Flink cluster: a standalone session cluster with {@code runnel-connectors-*-sql.jar} in its
 * lib/, and users' jobs submitted with {@code flink run}, their jars holding only their own class. The SQL job
 * reads a stream through the SQL connector and writes the TUMBLE aggregate, exactly once, to a stream it
 * creates through the catalog, which signs its calls to a server that requires it. The DataStream job copies
 * a stream with RunnelSource and RunnelSink.
 */
class FlinkRunTest {

    private static final Path TESTDATA = RunnelProcess.ROOT.resolve("testdata");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static RunnelProcess runnel;
    private static KinesisClient kinesis;
    private static FlinkCluster flink;
    private static String bootstrap;

    @BeforeAll
    static void startRunnelAndFlinkAndFillClicks() throws Exception {
        int kafkaPort = RunnelProcess.freePort();
        bootstrap = "127.0.0.1:" + kafkaPort;
        runnel = RunnelProcess.up(Path.of("target/runnel-flink-run.log"), "--port", "0", "--kafka-port", Integer.toString(kafkaPort),
                "--data-dir", dir.resolve("data").toString(), "--create-stream-ms", "100", "--auth", "runnel:runnel-secret");
        kinesis = runnel.client();
        flink = FlinkCluster.start(Path.of("target/flink-cluster"), 4);
        kinesis.createStream(b -> b.streamName("clicks").shardCount(2));
        awaitActive(kinesis, "clicks");
        putClicks(kinesis);
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
        int status = flink.run(jobJar(ClicksPerMinuteJob.class), output, runnel.endpoint().toString(), bootstrap,
                "runnel", "runnel-secret");

        assertThat(status).as("flink run's exit status; its output is in %s, the cluster's logs in %s", output, flink.logs())
                .isZero();
        assertThat(readAll(kinesis, "clicks_per_minute", FlinkRunTest::perMinuteRow))
                .containsExactlyInAnyOrderElementsOf(expectedClicksPerMinute());
    }

    @Test
    void aDataStreamJobSubmittedWithFlinkRunCopiesAStreamExactlyOnce() throws Exception {
        kinesis.createStream(b -> b.streamName("clicks_copy").shardCount(3));
        awaitActive(kinesis, "clicks_copy");
        Path output = Path.of("target/flink-run-datastream.out");
        int status = flink.run(jobJar(CopyClicksJob.class), output, bootstrap);

        assertThat(status).as("flink run's exit status; its output is in %s, the cluster's logs in %s", output, flink.logs())
                .isZero();
        assertThat(readAll(kinesis, "clicks_copy", (key, click) -> key + " " + click))
                .containsExactlyInAnyOrderElementsOf(Files.readAllLines(TESTDATA.resolve("clicks.jsonl")).stream()
                        .map(click -> userOf(click) + " " + click).toList());
    }

    private static void awaitActive(KinesisClient kinesis, String stream) {
        await().atMost(Duration.ofSeconds(60)).until(() -> kinesis.describeStreamSummary(b -> b.streamName(stream))
                .streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
    }

    private static void putClicks(KinesisClient kinesis) throws IOException {
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (String line : Files.readAllLines(TESTDATA.resolve("clicks.jsonl"))) {
            entries.add(PutRecordsRequestEntry.builder().partitionKey(userOf(line))
                    .data(SdkBytes.fromUtf8String(line)).build());
        }
        for (int from = 0; from < entries.size(); from += 500) {
            List<PutRecordsRequestEntry> batch = entries.subList(from, Math.min(entries.size(), from + 500));
            assertThat(kinesis.putRecords(b -> b.streamName("clicks").records(batch)).failedRecordCount()).isZero();
        }
    }

    /** Every record of every shard, each turned into a line by {@code line(partitionKey, data)}. */
    private static List<String> readAll(KinesisClient kinesis, String stream, BiFunction<String, String, String> line) {
        List<String> lines = new ArrayList<>();
        for (Shard shard : kinesis.listShards(b -> b.streamName(stream)).shards()) {
            String iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            GetRecordsResponse page;
            do {
                String from = iterator;
                page = kinesis.getRecords(b -> b.shardIterator(from));
                page.records().forEach(r -> lines.add(line.apply(r.partitionKey(), r.data().asUtf8String())));
                iterator = page.nextShardIterator();
            } while (page.millisBehindLatest() > 0 || !page.records().isEmpty());
        }
        return lines;
    }

    /** A clicks_per_minute record as {@code window_start,user_id,clicks}, like the checked-in answer. */
    private static String perMinuteRow(String partitionKey, String json) {
        JsonNode row = parse(json);
        return row.path("window_start").asText() + "," + row.path("user_id").asText() + "," + row.path("clicks").asLong();
    }

    private static String userOf(String click) {
        return parse(click).path("user_id").asText();
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> expectedClicksPerMinute() throws IOException {
        List<String> lines = Files.readAllLines(TESTDATA.resolve("clicks-per-minute.csv"));
        return lines.subList(1, lines.size());
    }

    /** The job's jar as a user builds it: the job's own class only, its main class in the manifest. */
    private static Path jobJar(Class<?> job) throws IOException {
        Path jar = dir.resolve(job.getSimpleName() + ".jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, job.getName());
        String entry = job.getName().replace('.', '/') + ".class";
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jarOut = new JarOutputStream(out, manifest)) {
            jarOut.putNextEntry(new JarEntry(entry));
            try (var in = job.getClassLoader().getResourceAsStream(entry)) {
                in.transferTo(jarOut);
            }
            jarOut.closeEntry();
        }
        return jar;
    }
}
