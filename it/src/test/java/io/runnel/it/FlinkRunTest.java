package io.runnel.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.runnel.it.jobs.ClicksPerMinuteJob;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runnel on a real Flink cluster: a standalone session cluster with {@code runnel-connectors-*-sql.jar} in its
 * lib/, and a user's SQL job submitted with {@code flink run}. The job reads a stream through the SQL connector
 * and writes the TUMBLE aggregate, exactly once, to a stream it creates through the catalog, which signs its
 * calls to a server that requires it.
 */
class FlinkRunTest {

    private static final Path TESTDATA = RunnelProcess.ROOT.resolve("testdata");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aSqlJobSubmittedWithFlinkRunWritesTheTumblingWindowAggregate() throws Exception {
        int kafkaPort = RunnelProcess.freePort();
        try (RunnelProcess runnel = RunnelProcess.up(Path.of("target/runnel-flink-run.log"), "--port", "0",
                "--kafka-port", Integer.toString(kafkaPort), "--data-dir", dir.resolve("data").toString(), "--create-stream-ms", "100",
                "--auth", "runnel:runnel-secret");
             KinesisClient kinesis = runnel.client();
             FlinkCluster flink = FlinkCluster.start(Path.of("target/flink-cluster"), 4)) {
            kinesis.createStream(b -> b.streamName("clicks").shardCount(2));
            awaitActive(kinesis, "clicks");
            putClicks(kinesis);

            Path jar = jobJar(ClicksPerMinuteJob.class);
            Path output = Path.of("target/flink-run.out");
            int status = flink.run(jar, output, runnel.endpoint().toString(), "127.0.0.1:" + kafkaPort, "runnel", "runnel-secret");

            assertThat(status).as("flink run's exit status; its output is in %s, the cluster's logs in %s", output, flink.logs())
                    .isZero();
            assertThat(readAll(kinesis, "clicks_per_minute")).containsExactlyInAnyOrderElementsOf(expectedClicksPerMinute());
            assertThat(flink.overview().path("jobs-finished").asInt()).isEqualTo(1);
        }
    }

    private static void awaitActive(KinesisClient kinesis, String stream) {
        await().atMost(Duration.ofSeconds(60)).until(() -> kinesis.describeStreamSummary(b -> b.streamName(stream))
                .streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
    }

    private static void putClicks(KinesisClient kinesis) throws IOException {
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (String line : Files.readAllLines(TESTDATA.resolve("clicks.jsonl"))) {
            entries.add(PutRecordsRequestEntry.builder().partitionKey(JSON.readTree(line).path("user_id").asText())
                    .data(SdkBytes.fromUtf8String(line)).build());
        }
        for (int from = 0; from < entries.size(); from += 500) {
            List<PutRecordsRequestEntry> batch = entries.subList(from, Math.min(entries.size(), from + 500));
            assertThat(kinesis.putRecords(b -> b.streamName("clicks").records(batch)).failedRecordCount()).isZero();
        }
    }

    /** Every record of every shard, each as {@code window_start,user_id,clicks} like the checked-in answer. */
    private static List<String> readAll(KinesisClient kinesis, String stream) throws IOException {
        List<String> rows = new ArrayList<>();
        for (Shard shard : kinesis.listShards(b -> b.streamName(stream)).shards()) {
            String iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            GetRecordsResponse page;
            do {
                String from = iterator;
                page = kinesis.getRecords(b -> b.shardIterator(from));
                for (var record : page.records()) {
                    JsonNode row = JSON.readTree(record.data().asByteArray());
                    rows.add(row.path("window_start").asText() + "," + row.path("user_id").asText() + "," + row.path("clicks").asLong());
                }
                iterator = page.nextShardIterator();
            } while (page.millisBehindLatest() > 0 || !page.records().isEmpty());
        }
        return rows;
    }

    private static List<String> expectedClicksPerMinute() throws IOException {
        List<String> lines = Files.readAllLines(TESTDATA.resolve("clicks-per-minute.csv"));
        return lines.subList(1, lines.size());
    }

    /** The job's jar as a user builds it: the job's own classes only, its main class in the manifest. */
    private Path jobJar(Class<?> job) throws IOException {
        Path jar = dir.resolve("job.jar");
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
