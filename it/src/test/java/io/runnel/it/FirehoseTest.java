package io.runnel.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamDescription;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamStatus;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamType;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.Record;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesisanalyticsv2.KinesisAnalyticsV2Client;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationStatus;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Firehose on the embedded runtime, set up as AWS users set it up (the AWS CLI: a bucket, a Glue table, a
 * delivery stream), fed through the SDK's FirehoseClient, a Runnel stream or a plain Kafka topic, and read back
 * from the S3 endpoint: every valid record exactly once, every malformed one in the error output.
 */
class FirehoseTest {

    private static final Duration DELIVERY = Duration.ofMinutes(5);
    private static final String[] TIERS = {"gold", "silver", "bronze"};
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final long AT = Instant.parse("2026-03-04T05:06:07Z").toEpochMilli();

    @TempDir
    static Path dir;

    private static RunnelProcess runnel;
    private static FirehoseClient firehose;
    private static KinesisClient kinesis;
    private static S3Client s3;
    private static String bootstrap;

    @BeforeAll
    static void up() throws Exception {
        int kafkaPort = RunnelProcess.freePort();
        bootstrap = "127.0.0.1:" + kafkaPort;
        runnel = RunnelProcess.up(Path.of("target/runnel-firehose.log"), "--flink", "embedded", "--kafka-port",
                Integer.toString(kafkaPort), "--data-dir", dir.resolve("data").toString(), "--create-stream-ms", "100");
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(Commands.KEY, Commands.SECRET));
        firehose = FirehoseClient.builder().endpointOverride(runnel.endpoint()).region(Region.US_EAST_1).credentialsProvider(credentials).build();
        kinesis = runnel.client();
        s3 = S3Client.builder().endpointOverride(runnel.s3Endpoint()).region(Region.US_EAST_1).credentialsProvider(credentials)
                .forcePathStyle(true).build();
    }

    @AfterAll
    static void down() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {firehose, kinesis, s3, runnel}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void directPutJsonLandsAsParquetPartitionedByANestedFieldAndMalformedRecordsAreSetAside() throws Exception {
        aws(runnel.s3Endpoint(), "s3", "mb", "s3://lake");
        aws(runnel.endpoint(), "glue", "create-database", "--database-input", "{\"Name\": \"shop\"}");
        aws(runnel.endpoint(), "glue", "create-table", "--database-name", "shop", "--table-input", """
                {"Name": "orders", "StorageDescriptor": {"Columns": [
                  {"Name": "id", "Type": "bigint"}, {"Name": "customer", "Type": "struct<name:string,tier:string>"},
                  {"Name": "amount", "Type": "decimal(10,2)"}, {"Name": "at", "Type": "timestamp"}]}}""");
        Path config = dir.resolve("orders-lake.json");
        Files.writeString(config, """
                {"DeliveryStreamName": "orders-lake", "DeliveryStreamType": "DirectPut",
                 "ExtendedS3DestinationConfiguration": {
                   "RoleARN": "arn:aws:iam::000000000000:role/firehose", "BucketARN": "arn:aws:s3:::lake",
                   "Prefix": "orders/tier=!{partitionKeyFromQuery:tier}/", "ErrorOutputPrefix": "errors/!{firehose:error-output-type}/",
                   "BufferingHints": {"IntervalInSeconds": 60, "SizeInMBs": 64},
                   "DynamicPartitioningConfiguration": {"Enabled": true},
                   "ProcessingConfiguration": {"Enabled": true, "Processors": [{"Type": "MetadataExtraction", "Parameters": [
                     {"ParameterName": "MetadataExtractionQuery", "ParameterValue": "{tier: .customer.tier}"},
                     {"ParameterName": "JsonParsingEngine", "ParameterValue": "JQ-1.6"}]}]},
                   "DataFormatConversionConfiguration": {"Enabled": true,
                     "SchemaConfiguration": {"DatabaseName": "shop", "TableName": "orders", "RoleARN": "arn:aws:iam::000000000000:role/glue"},
                     "InputFormatConfiguration": {"Deserializer": {"OpenXJsonSerDe": {"CaseInsensitive": true}}},
                     "OutputFormatConfiguration": {"Serializer": {"ParquetSerDe": {"Compression": "SNAPPY"}}}}}}""");
        String created = aws(runnel.endpoint(), "firehose", "create-delivery-stream", "--cli-input-json", "file://" + config);
        assertThat(created).contains("arn:aws:firehose:us-east-1:000000000000:deliverystream/orders-lake");
        awaitActive("orders-lake");

        int total = 200_000;
        Set<Long> valid = new HashSet<>();
        List<String> malformed = new ArrayList<>();
        List<byte[]> batch = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            String record;
            if (i % 100 == 99) {
                record = switch ((i / 100) % 5) {
                    case 0 -> "not json " + i;
                    case 1 -> "[" + i + "]";
                    case 2 -> "{\"id\": \"id-" + i + "\", \"customer\": {\"tier\": \"gold\"}}";
                    case 3 -> "{\"id\": " + i + "}";
                    default -> "{\"id\": " + i + ", \"customer\": {\"tier\": \"gold\"}, \"at\": \"yesterday\"}";
                };
                malformed.add(record);
            } else {
                record = "{\"ID\": " + i + ", \"customer\": {\"name\": \"c" + (i % 1000) + "\", \"tier\": \"" + TIERS[i % 3]
                        + "\"}, \"amount\": " + (i % 10_000) / 100.0 + ", \"at\": \"2026-03-04T07:06:07+02:00\"}";
                valid.add((long) i);
            }
            batch.add(record.getBytes(StandardCharsets.UTF_8));
            if (batch.size() == 500) {
                putBatch("orders-lake", batch);
                batch.clear();
            }
        }

        Lake lake = new Lake(s3, "lake", dir);
        await().atMost(DELIVERY).pollInterval(Duration.ofSeconds(2)).until(() ->
                lake.parquetRows("orders/").size() >= valid.size() && Lake.count(lake.errorRecords("errors/")) >= malformed.size());

        List<Lake.Row> rows = lake.parquetRows("orders/");
        List<Long> ids = rows.stream().map(r -> r.group().getLong("id", 0)).toList();
        assertThat(ids).hasSize(valid.size()).doesNotHaveDuplicates();
        assertThat(new HashSet<>(ids)).isEqualTo(valid);
        for (Lake.Row row : rows) {
            long id = row.group().getLong("id", 0);
            String tier = TIERS[(int) (id % 3)];
            assertThat(row.key()).startsWith("orders/tier=" + tier + "/orders-lake-1-").endsWith(".parquet");
            assertThat(row.group().getGroup("customer", 0).getString("tier", 0)).isEqualTo(tier);
            assertThat(row.group().getLong("at", 0)).isEqualTo(AT);
        }
        assertThat(lake.parquetCodecs("orders/")).containsExactly("SNAPPY");
        Map<String, List<JsonNode>> errors = lake.errorRecords("errors/");
        assertThat(errors.keySet()).containsExactlyInAnyOrder("format-conversion-failed", "partitioning-failed");
        List<String> setAside = errors.values().stream().flatMap(List::stream)
                .map(e -> new String(Base64.getDecoder().decode(e.path("rawData").asText()), StandardCharsets.UTF_8)).toList();
        assertThat(setAside).containsExactlyInAnyOrderElementsOf(malformed);
        assertThat(errors.get("format-conversion-failed")).allSatisfy(e -> {
            assertThat(e.path("ErrorCode").asText()).isEqualTo("DataFormatConversion.MalformedData");
            assertThat(e.path("attemptsMade").asInt()).isEqualTo(1);
            assertThat(e.path("arrivalTimestamp").asLong()).isPositive();
        });
    }

    @Test
    void aRunnelStreamAndAPlainKafkaTopicLandGzippedExactlyAsTheyCame() throws Exception {
        aws(runnel.s3Endpoint(), "s3", "mb", "s3://raw");
        StreamData.create(kinesis, "clicks", 2);
        List<String> clicks = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            clicks.add("click " + i);
        }
        for (int from = 0; from < clicks.size(); from += 500) {
            List<String> slice = clicks.subList(from, from + 500);
            kinesis.putRecords(r -> r.streamName("clicks").records(slice.stream().map(c -> software.amazon.awssdk.services.kinesis.model
                    .PutRecordsRequestEntry.builder().partitionKey(c).data(SdkBytes.fromUtf8String(c + "\n")).build()).toList()));
        }
        firehose.createDeliveryStream(r -> r.deliveryStreamName("clicks-raw").deliveryStreamType(DeliveryStreamType.KINESIS_STREAM_AS_SOURCE)
                .kinesisStreamSourceConfiguration(k -> k.kinesisStreamARN("arn:aws:kinesis:us-east-1:000000000000:stream/clicks")
                        .roleARN("arn:aws:iam::000000000000:role/firehose"))
                .extendedS3DestinationConfiguration(d -> d.roleARN("arn:aws:iam::000000000000:role/firehose").bucketARN("arn:aws:s3:::raw")
                        .prefix("clicks/").compressionFormat("GZIP").bufferingHints(b -> b.intervalInSeconds(5))));

        List<String> events = new ArrayList<>();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties())) {
            admin.createTopics(List.of(new NewTopic("events", 3, (short) 1))).all().get();
            for (int i = 0; i < 5_000; i++) {
                events.add("event " + i);
                producer.send(new ProducerRecord<>("events", null, ("event " + i + "\n").getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
        firehose.createDeliveryStream(r -> r.deliveryStreamName("events-raw").deliveryStreamType(DeliveryStreamType.MSK_AS_SOURCE)
                .mskSourceConfiguration(m -> m.mskClusterARN("arn:aws:kafka:us-east-1:000000000000:cluster/runnel/1").topicName("events")
                        .authenticationConfiguration(a -> a.roleARN("arn:aws:iam::000000000000:role/msk").connectivity("PUBLIC")))
                .extendedS3DestinationConfiguration(d -> d.roleARN("arn:aws:iam::000000000000:role/firehose").bucketARN("arn:aws:s3:::raw")
                        .prefix("events/").compressionFormat("GZIP").bufferingHints(b -> b.intervalInSeconds(5))));

        Lake raw = new Lake(s3, "raw", dir);
        await().atMost(DELIVERY).pollInterval(Duration.ofSeconds(2)).until(() ->
                raw.lines("clicks/").size() >= clicks.size() && raw.lines("events/").size() >= events.size());
        assertThat(raw.lines("clicks/")).containsExactlyInAnyOrderElementsOf(clicks);
        assertThat(raw.lines("events/")).containsExactlyInAnyOrderElementsOf(events);
        assertThat(raw.objects("clicks/").keySet()).allSatisfy(key -> assertThat(key).matches("clicks/clicks-raw-1-.*\\.gz"));
        assertThat(describeStatus("clicks-raw")).isEqualTo(DeliveryStreamStatus.ACTIVE);
    }

    @Test
    void aDeliveryStreamThatCannotWriteSaysWhyCatchesUpAndTakesANewDestination() throws Exception {
        s3.createBucket(r -> r.bucket("moving"));
        firehose.createDeliveryStream(r -> r.deliveryStreamName("moving").extendedS3DestinationConfiguration(d -> d
                .roleARN("arn:aws:iam::000000000000:role/firehose").bucketARN("arn:aws:s3:::moving").prefix("v1/")
                .bufferingHints(b -> b.intervalInSeconds(5))));
        awaitActive("moving");

        // The bucket goes away under the delivery stream: its records wait, and it says why.
        s3.deleteBucket(r -> r.bucket("moving"));
        List<String> before = lines("before", 1_000);
        putLines("moving", before);
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> describe("moving").failureDescription() != null);
        DeliveryStreamDescription failing = describe("moving");
        assertThat(failing.deliveryStreamStatus()).isEqualTo(DeliveryStreamStatus.ACTIVE);
        assertThat(failing.failureDescription().typeAsString()).isEqualTo("UNKNOWN_ERROR");
        assertThat(failing.failureDescription().details()).contains("The specified bucket does not exist");

        // Back with its bucket, it delivers what waited and stops reporting a failure.
        s3.createBucket(r -> r.bucket("moving"));
        Lake moving = new Lake(s3, "moving", dir);
        await().atMost(DELIVERY).pollInterval(Duration.ofSeconds(1)).until(() ->
                moving.lines("v1/").size() >= before.size() && describe("moving").failureDescription() == null);
        assertThat(moving.lines("v1/")).containsExactlyInAnyOrderElementsOf(before);

        // Its Flink job cancelled from outside Runnel: it starts again from its last checkpoint.
        URI flink = URI.create(runnel.endpoints().path("FlinkRestUrl").asText());
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200)).until(() -> runningJob(flink, "moving") != null);
        String cancelled = runningJob(flink, "moving");
        HttpResponse<String> cancel = HTTP.send(HttpRequest.newBuilder(flink.resolve("/jobs/" + cancelled + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);
        List<String> whileCancelled = lines("cancelled", 1_000);
        putLines("moving", whileCancelled);
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> {
            String running = runningJob(flink, "moving");
            return running != null && !running.equals(cancelled);
        });
        before.addAll(whileCancelled);
        await().atMost(DELIVERY).pollInterval(Duration.ofSeconds(1)).until(() -> moving.lines("v1/").size() >= before.size());
        assertThat(moving.lines("v1/")).containsExactlyInAnyOrderElementsOf(before);

        // A new prefix through the CLI: the job takes it after a stop with a snapshot, losing and repeating nothing.
        aws(runnel.endpoint(), "firehose", "update-destination", "--delivery-stream-name", "moving",
                "--current-delivery-stream-version-id", "1", "--destination-id", "destinationId-000000000001",
                "--extended-s3-destination-update", "{\"Prefix\": \"v2/\"}");
        List<String> during = lines("during", 1_000);
        putLines("moving", during);
        try (KinesisAnalyticsV2Client apps = KinesisAnalyticsV2Client.builder().endpointOverride(runnel.endpoint())
                .region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(Commands.KEY, Commands.SECRET))).build()) {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> apps.describeApplication(r -> r
                    .applicationName("firehose-moving")).applicationDetail().applicationStatus() == ApplicationStatus.RUNNING);
            // Its job belongs to the delivery stream: the Managed Flink API does not delete it from under it.
            Instant created = apps.describeApplication(r -> r.applicationName("firehose-moving")).applicationDetail().createTimestamp();
            assertThatThrownBy(() -> apps.deleteApplication(r -> r.applicationName("firehose-moving").createTimestamp(created)))
                    .isInstanceOf(software.amazon.awssdk.services.kinesisanalyticsv2.model.ResourceInUseException.class)
                    .hasMessageContaining("aws firehose delete-delivery-stream");
        }
        List<String> after = lines("after", 1_000);
        putLines("moving", after);
        // The CLI puts a record and describes the delivery stream as it does on AWS.
        aws(runnel.endpoint(), "firehose", "put-record", "--delivery-stream-name", "moving", "--cli-binary-format", "raw-in-base64-out",
                "--record", "{\"Data\": \"from the cli\\n\"}");
        after.add("from the cli");
        JsonNode described = new ObjectMapper().readTree(aws(runnel.endpoint(), "firehose", "describe-delivery-stream",
                "--delivery-stream-name", "moving")).path("DeliveryStreamDescription");
        assertThat(described.path("DeliveryStreamStatus").asText()).isEqualTo("ACTIVE");
        assertThat(described.path("VersionId").asText()).isEqualTo("2");
        DeliveryStreamDescription updated = describe("moving");
        assertThat(updated.versionId()).isEqualTo("2");
        assertThat(updated.destinations().get(0).extendedS3DestinationDescription().prefix()).isEqualTo("v2/");
        await().atMost(DELIVERY).pollInterval(Duration.ofSeconds(1)).until(() ->
                moving.lines("v1/").size() + moving.lines("v2/").size() >= before.size() + during.size() + after.size());
        List<String> all = new ArrayList<>(moving.lines("v1/"));
        all.addAll(moving.lines("v2/"));
        List<String> put = new ArrayList<>(before);
        put.addAll(during);
        put.addAll(after);
        assertThat(all).containsExactlyInAnyOrderElementsOf(put);
        assertThat(moving.lines("v2/")).containsAll(after);
    }

    /** The id of the running Flink job whose name ends with the given one, or null. */
    private static String runningJob(URI flink, String name) throws Exception {
        HttpResponse<String> overview = HTTP.send(HttpRequest.newBuilder(flink.resolve("/jobs/overview")).build(),
                HttpResponse.BodyHandlers.ofString());
        for (JsonNode job : new ObjectMapper().readTree(overview.body()).path("jobs")) {
            if (job.path("state").asText().equals("RUNNING") && job.path("name").asText().endsWith(" " + name)) {
                return job.path("jid").asText();
            }
        }
        return null;
    }

    private static List<String> lines(String prefix, int count) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lines.add(prefix + " " + i);
        }
        return lines;
    }

    private static void putLines(String stream, List<String> lines) {
        for (int from = 0; from < lines.size(); from += 500) {
            putBatch(stream, lines.subList(from, Math.min(lines.size(), from + 500)).stream()
                    .map(l -> (l + "\n").getBytes(StandardCharsets.UTF_8)).toList());
        }
    }

    private static DeliveryStreamDescription describe(String name) {
        return firehose.describeDeliveryStream(r -> r.deliveryStreamName(name)).deliveryStreamDescription();
    }

    private static Properties producerProperties() {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("key.serializer", ByteArraySerializer.class.getName());
        p.put("value.serializer", ByteArraySerializer.class.getName());
        p.put("acks", "all");
        return p;
    }

    /** Puts records as a careful producer does: the ones a batch reports as failed are sent again. */
    static void putBatch(String stream, List<byte[]> records) {
        List<Record> pending = records.stream().map(b -> Record.builder().data(SdkBytes.fromByteArray(b)).build()).toList();
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            assertThat(attempt).as("attempts to put a batch").isLessThanOrEqualTo(10);
            List<Record> batch = pending;
            PutRecordBatchResponse response = firehose.putRecordBatch(r -> r.deliveryStreamName(stream).records(batch));
            List<Record> failed = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                if (response.requestResponses().get(i).errorCode() != null) {
                    failed.add(batch.get(i));
                }
            }
            assertThat(failed).hasSize(response.failedPutCount());
            pending = failed;
        }
    }

    private static DeliveryStreamStatus describeStatus(String name) {
        return firehose.describeDeliveryStream(r -> r.deliveryStreamName(name)).deliveryStreamDescription().deliveryStreamStatus();
    }

    private static void awaitActive(String name) {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> describeStatus(name) == DeliveryStreamStatus.ACTIVE);
    }

    private static String aws(URI endpoint, String... args) throws Exception {
        Commands.Result r = Commands.aws(endpoint, Commands.SECRET, args);
        assertThat(r.exit()).as("aws %s: %s", String.join(" ", args), r.output()).isZero();
        return r.output();
    }
}
