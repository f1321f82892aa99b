package io.runnel.jobs.firehose;

import io.runnel.core.delivery.DeliverySpec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.runnel.server.testing.Clients;
import io.runnel.server.testing.RunnelServerExtension;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A delivery job on a MiniCluster, from a Runnel stream to files in a local folder. */
@ExtendWith(RunnelServerExtension.class)
class DeliveryJobTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] TIERS = {"gold", "silver", "bronze"};

    private static KinesisClient kinesis;

    @BeforeAll
    static void client() {
        kinesis = Clients.sync(RunnelServerExtension.server().endpoint(), true);
    }

    @AfterAll
    static void close() {
        kinesis.close();
    }

    private record Row(long id, String tier, double amount, long at, Path file) {
    }

    @Test
    void jsonIsConvertedToParquetUnderItsPartitionAndWhatCannotBeIsSetAside(@TempDir Path lake) throws Exception {
        createStream("fh-orders");
        List<String> records = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            records.add("{\"id\": " + i + ", \"customer\": {\"tier\": \"" + TIERS[i % 3] + "\"}, \"amount\": " + (i / 10.0)
                    + ", \"at\": \"2026-03-04T05:06:07Z\"}");
        }
        List<String> notConvertible = List.of("{\"id\": \"abc\", \"customer\": {\"tier\": \"gold\"}}",
                "{\"id\": 1, \"customer\": {\"tier\": \"gold\"}, \"at\": \"yesterday\"}");
        List<String> notPartitionable = List.of("not json {", "[1, 2]", "{\"id\": 5}",
                "{\"id\": 6, \"customer\": {\"tier\": \"gold\"}} and more");
        records.addAll(500, notConvertible);
        records.addAll(700, notPartitionable);
        put("fh-orders", records);

        DeliverySpec spec = new DeliverySpec("orders", 1, streamSource("fh-orders"), lake.toUri().toString(),
                "orders/tier=!{partitionKeyFromQuery:tier}/", "errors/!{firehose:error-output-type}/", 128L << 20, null,
                new DeliverySpec.Conversion(List.of(new DeliverySpec.Column("id", "bigint"),
                        new DeliverySpec.Column("customer", "struct<tier:string>"), new DeliverySpec.Column("amount", "double"),
                        new DeliverySpec.Column("at", "timestamp")), false, true, Map.of(), false, List.of(), "SNAPPY",
                        new DeliverySpec.CatalogTable("000000000000", "sales", "orders", "us-east-1", "1")),
                "{tier: .customer.tier}", null, null);
        JobClient job = start(spec);
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() ->
                    readRows(lake.resolve("orders")).size() >= 1000
                            && errorRecords(lake.resolve("errors")).values().stream().mapToInt(List::size).sum() >= 6);
        } finally {
            job.cancel().get();
        }

        List<Row> rows = readRows(lake.resolve("orders"));
        assertThat(rows).extracting(Row::id).containsExactlyInAnyOrderElementsOf(
                java.util.stream.LongStream.range(0, 1000).boxed().toList());
        for (Row row : rows) {
            assertThat(row.tier()).isEqualTo(TIERS[(int) (row.id() % 3)]);
            assertThat(row.file().getParent().getFileName().toString()).isEqualTo("tier=" + row.tier());
            assertThat(row.file().getFileName().toString()).startsWith("orders-1-").endsWith(".parquet");
            assertThat(row.amount()).isEqualTo(row.id() / 10.0);
            assertThat(row.at()).isEqualTo(Instant.parse("2026-03-04T05:06:07Z").toEpochMilli());
        }

        Map<String, List<JsonNode>> errors = errorRecords(lake.resolve("errors"));
        assertThat(errors.get("format-conversion-failed")).extracting(e -> decode(e.path("rawData")))
                .containsExactlyInAnyOrderElementsOf(notConvertible);
        assertThat(errors.get("partitioning-failed")).extracting(e -> decode(e.path("rawData")))
                .containsExactlyInAnyOrderElementsOf(notPartitionable);
        JsonNode conversionError = errors.get("format-conversion-failed").get(0);
        assertThat(conversionError.path("ErrorCode").asText()).isEqualTo("DataFormatConversion.MalformedData");
        assertThat(conversionError.path("ErrorMessage").asText()).contains("cannot be read as");
        assertThat(conversionError.path("attemptsMade").asInt()).isEqualTo(1);
        assertThat(conversionError.path("arrivalTimestamp").asLong()).isPositive();
        assertThat(conversionError.path("dataCatalogTable").path("tableName").asText()).isEqualTo("orders");
        assertThat(errors.get("partitioning-failed").get(0).path("errorCode").asText())
                .isEqualTo("DynamicPartitioning.MetadataExtractionFailed");
    }

    @Test
    void unconvertedRecordsLandAsTheyCameGzippedUnderTheDefaultTimePrefix(@TempDir Path lake) throws Exception {
        createStream("fh-lines");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            lines.add("line " + i + "\n");
        }
        Instant arrived = Instant.now();
        put("fh-lines", lines);
        DeliverySpec spec = new DeliverySpec("lines", 3, streamSource("fh-lines"), lake.toUri().toString(), null, null,
                128L << 20, "GZIP", null, null, "Asia/Kolkata", ".log.gz");
        JobClient job = start(spec);
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> gunzipAll(lake).size() >= 500);
        } finally {
            job.cancel().get();
        }
        assertThat(gunzipAll(lake)).containsExactlyInAnyOrderElementsOf(lines.stream().map(String::strip).toList());
        try (Stream<Path> files = committed(lake)) {
            // The default prefix's hour is in the CustomTimeZone (UTC+05:30, half an hour off every UTC hour).
            var kolkata = java.time.format.DateTimeFormatter.ofPattern("yyyy/MM/dd/HH").withZone(java.time.ZoneId.of("Asia/Kolkata"));
            String first = kolkata.format(arrived);
            String last = kolkata.format(Instant.now());
            assertThat(files).allSatisfy(f -> {
                String path = lake.relativize(f).toString();
                assertThat(path).matches("\\d{4}/\\d{2}/\\d{2}/\\d{2}/lines-3-.*\\.log\\.gz");
                assertThat(path.substring(0, 13)).isBetween(first, last);
            });
        }
    }

    private static DeliverySpec.Source streamSource(String stream) {
        return new DeliverySpec.Source(RunnelServerExtension.server().server.bootstrapServers(), stream,
                RunnelServerExtension.server().config.metadataTopic, null, null, false);
    }

    private static JobClient start(DeliverySpec spec) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.enableCheckpointing(500);
        DeliveryJob.build(env, spec);
        return env.executeAsync("firehose " + spec.name());
    }

    private static void createStream(String name) {
        kinesis.createStream(b -> b.streamName(name).shardCount(2));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() ->
                kinesis.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
    }

    private static void put(String stream, List<String> records) {
        for (int from = 0; from < records.size(); from += 500) {
            List<PutRecordsRequestEntry> entries = new ArrayList<>();
            for (int i = from; i < Math.min(records.size(), from + 500); i++) {
                entries.add(PutRecordsRequestEntry.builder().partitionKey("k" + i).data(SdkBytes.fromUtf8String(records.get(i))).build());
            }
            assertThat(kinesis.putRecords(b -> b.streamName(stream).records(entries)).failedRecordCount()).isZero();
        }
    }

    /**
     * Files the sink has committed: in-progress files are hidden (their names start with a dot). A file committed
     * while the folder is walked vanishes under its hidden name: the walk is then made again.
     */
    private static Stream<Path> committed(Path root) throws IOException {
        if (!Files.exists(root)) {
            return Stream.empty();
        }
        while (true) {
            try (Stream<Path> files = Files.walk(root)) {
                return files.filter(f -> !f.getFileName().toString().startsWith(".")).filter(Files::isRegularFile).toList().stream();
            } catch (UncheckedIOException e) {
                if (!(e.getCause() instanceof java.nio.file.NoSuchFileException)) {
                    throw e;
                }
            }
        }
    }

    private static List<Row> readRows(Path root) throws IOException {
        List<Row> rows = new ArrayList<>();
        try (Stream<Path> files = committed(root)) {
            for (Path file : files.toList()) {
                // Parquet's own file reader: no Hadoop file system (nor its security classes) needed to read a local file.
                try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
                    MessageType schema = reader.getFooter().getFileMetaData().getSchema();
                    for (PageReadStore pages = reader.readNextRowGroup(); pages != null; pages = reader.readNextRowGroup()) {
                        RecordReader<Group> records = new ColumnIOFactory().getColumnIO(schema)
                                .getRecordReader(pages, new GroupRecordConverter(schema));
                        for (long i = 0; i < pages.getRowCount(); i++) {
                            Group g = records.read();
                            rows.add(new Row(g.getLong("id", 0), g.getGroup("customer", 0).getString("tier", 0),
                                    g.getDouble("amount", 0), g.getLong("at", 0), file));
                        }
                    }
                }
            }
        }
        return rows;
    }

    private static Map<String, List<JsonNode>> errorRecords(Path root) throws IOException {
        Map<String, List<JsonNode>> byType = new java.util.TreeMap<>();
        try (Stream<Path> files = committed(root)) {
            for (Path file : files.toList()) {
                String type = root.relativize(file).getName(0).toString();
                for (String line : Files.readAllLines(file)) {
                    byType.computeIfAbsent(type, t -> new ArrayList<>()).add(JSON.readTree(line));
                }
            }
        }
        return byType;
    }

    private static String decode(JsonNode base64) {
        return new String(Base64.getDecoder().decode(base64.asText()), StandardCharsets.UTF_8);
    }

    private static List<String> gunzipAll(Path root) throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = committed(root)) {
            for (Path file : files.toList()) {
                try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    in.transferTo(out);
                    out.toString(StandardCharsets.UTF_8).lines().forEach(lines::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(file + " is not gzip", e);
                }
            }
        }
        return lines;
    }
}
