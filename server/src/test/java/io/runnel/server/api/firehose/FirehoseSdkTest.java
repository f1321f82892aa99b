package io.runnel.server.api.firehose;

import io.runnel.core.delivery.DeliverySpec;
import io.runnel.server.applications.Application;
import io.runnel.server.testing.Clients;
import io.runnel.server.testing.RunnelServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.ConcurrentModificationException;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamDescription;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamStatus;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamType;
import software.amazon.awssdk.services.firehose.model.ExtendedS3DestinationConfiguration;
import software.amazon.awssdk.services.firehose.model.FirehoseException;
import software.amazon.awssdk.services.firehose.model.InvalidArgumentException;
import software.amazon.awssdk.services.firehose.model.ProcessorParameterName;
import software.amazon.awssdk.services.firehose.model.ProcessorType;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.Record;
import software.amazon.awssdk.services.firehose.model.ResourceInUseException;
import software.amazon.awssdk.services.firehose.model.ResourceNotFoundException;
import software.amazon.awssdk.services.firehose.model.Tag;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.Column;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The AWS SDK's FirehoseClient against Runnel's Firehose API. This server runs no Flink, so delivery streams stay
 * CREATING (another server with the runtime would run their jobs); everything else — configuration, validation,
 * PutRecord's durability in the internal stream, tags, updates, deletes — is as with one.
 */
@ExtendWith(RunnelServerExtension.class)
class FirehoseSdkTest {

    private static FirehoseClient firehose;
    private static GlueClient glue;
    private static KinesisClient kinesis;

    @BeforeAll
    static void clients() {
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("runnel", "runnel"));
        firehose = FirehoseClient.builder().endpointOverride(RunnelServerExtension.server().endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(credentials).build();
        glue = GlueClient.builder().endpointOverride(RunnelServerExtension.server().endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(credentials).build();
        kinesis = Clients.sync(RunnelServerExtension.server().endpoint(), true);
        RunnelServerExtension.server().server.applications().store().ensureBucket("lake");
        glue.createDatabase(r -> r.databaseInput(d -> d.name("shop")));
        glue.createTable(r -> r.databaseName("shop").tableInput(t -> t.name("orders").storageDescriptor(sd -> sd.columns(
                Column.builder().name("id").type("bigint").build(),
                Column.builder().name("customer").type("struct<tier:string>").build()))));
    }

    @AfterAll
    static void close() {
        firehose.close();
        glue.close();
        kinesis.close();
    }

    private static ExtendedS3DestinationConfiguration.Builder parquetByTier(ExtendedS3DestinationConfiguration.Builder d) {
        return d.roleARN("arn:aws:iam::000000000000:role/firehose").bucketARN("arn:aws:s3:::lake")
                .prefix("orders/tier=!{partitionKeyFromQuery:tier}/").errorOutputPrefix("errors/!{firehose:error-output-type}/")
                .bufferingHints(b -> b.intervalInSeconds(10))
                .dynamicPartitioningConfiguration(p -> p.enabled(true))
                .processingConfiguration(p -> p.enabled(true).processors(pr -> pr.type(ProcessorType.METADATA_EXTRACTION).parameters(
                        a -> a.parameterName(ProcessorParameterName.METADATA_EXTRACTION_QUERY).parameterValue("{tier: .customer.tier}"),
                        a -> a.parameterName(ProcessorParameterName.JSON_PARSING_ENGINE).parameterValue("JQ-1.6"))))
                .dataFormatConversionConfiguration(c -> c.enabled(true)
                        .schemaConfiguration(s -> s.databaseName("shop").tableName("orders").roleARN("arn:aws:iam::000000000000:role/glue"))
                        .inputFormatConfiguration(i -> i.deserializer(ds -> ds.openXJsonSerDe(o -> o.caseInsensitive(true))))
                        .outputFormatConfiguration(o -> o.serializer(s -> s.parquetSerDe(p -> p.compression("SNAPPY")))));
    }

    @Test
    void aDirectPutDeliveryStreamIsCreatedTakesRecordsDurablyAndIsDeleted() {
        String arn = firehose.createDeliveryStream(r -> r.deliveryStreamName("orders-lake").deliveryStreamType(DeliveryStreamType.DIRECT_PUT)
                .extendedS3DestinationConfiguration(d -> parquetByTier(d)).tags(Tag.builder().key("team").value("data").build()))
                .deliveryStreamARN();
        assertThat(arn).isEqualTo("arn:aws:firehose:us-east-1:000000000000:deliverystream/orders-lake");
        assertThatThrownBy(() -> firehose.createDeliveryStream(r -> r.deliveryStreamName("orders-lake")
                .extendedS3DestinationConfiguration(d -> parquetByTier(d)))).isInstanceOf(ResourceInUseException.class);

        DeliveryStreamDescription description = describe("orders-lake");
        assertThat(description.deliveryStreamStatus()).isEqualTo(DeliveryStreamStatus.CREATING);
        assertThat(description.deliveryStreamType()).isEqualTo(DeliveryStreamType.DIRECT_PUT);
        assertThat(description.versionId()).isEqualTo("1");
        var destination = description.destinations().get(0);
        assertThat(destination.destinationId()).isEqualTo("destinationId-000000000001");
        assertThat(destination.extendedS3DestinationDescription().bucketARN()).isEqualTo("arn:aws:s3:::lake");
        assertThat(destination.extendedS3DestinationDescription().prefix()).isEqualTo("orders/tier=!{partitionKeyFromQuery:tier}/");
        assertThat(destination.extendedS3DestinationDescription().bufferingHints().intervalInSeconds()).isEqualTo(10);
        assertThat(destination.extendedS3DestinationDescription().bufferingHints().sizeInMBs()).isEqualTo(128);
        assertThat(destination.extendedS3DestinationDescription().dataFormatConversionConfiguration().schemaConfiguration().tableName())
                .isEqualTo("orders");
        assertThat(firehose.listDeliveryStreams(r -> r.limit(100)).deliveryStreamNames()).contains("orders-lake");

        Application app = RunnelServerExtension.server().server.applications().find("firehose-orders-lake").orElseThrow();
        assertThat(app.code().isRunnelJob()).isTrue();
        assertThat(app.code().runnelJobLines().get(0)).isEqualTo("io.runnel.jobs.firehose.DeliveryJob");
        assertThat(app.checkpointing().intervalMs()).isEqualTo(10_000);

        String recordId = firehose.putRecord(r -> r.deliveryStreamName("orders-lake")
                .record(Record.builder().data(SdkBytes.fromUtf8String("{\"id\": 1}")).build())).recordId();
        assertThat(recordId).isNotBlank();
        List<Record> batch = new ArrayList<>();
        for (int i = 2; i <= 4; i++) {
            batch.add(Record.builder().data(SdkBytes.fromUtf8String("{\"id\": " + i + "}")).build());
        }
        PutRecordBatchResponse put = firehose.putRecordBatch(r -> r.deliveryStreamName("orders-lake").records(batch));
        assertThat(put.failedPutCount()).isZero();
        assertThat(put.requestResponses()).hasSize(3).allSatisfy(e -> assertThat(e.recordId()).isNotBlank());
        // Acknowledged means appended to the delivery stream's internal stream, whatever becomes of delivery.
        assertThat(internalRecords("firehose-orders-lake"))
                .containsExactlyInAnyOrder("{\"id\": 1}", "{\"id\": 2}", "{\"id\": 3}", "{\"id\": 4}");

        firehose.tagDeliveryStream(r -> r.deliveryStreamName("orders-lake").tags(Tag.builder().key("cost").value("7").build()));
        firehose.untagDeliveryStream(r -> r.deliveryStreamName("orders-lake").tagKeys("team"));
        assertThat(firehose.listTagsForDeliveryStream(r -> r.deliveryStreamName("orders-lake")).tags())
                .containsExactly(Tag.builder().key("cost").value("7").build());

        assertThatThrownBy(() -> firehose.updateDestination(r -> r.deliveryStreamName("orders-lake").currentDeliveryStreamVersionId("1")
                .destinationId("destinationId-000000000001").extendedS3DestinationUpdate(u -> u.bucketARN("arn:aws:s3:::nowhere"))))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("The bucket nowhere");
        assertThatThrownBy(() -> firehose.updateDestination(r -> r.deliveryStreamName("orders-lake").currentDeliveryStreamVersionId("7")
                .destinationId("destinationId-000000000001").extendedS3DestinationUpdate(u -> u.prefix("other/"))))
                .isInstanceOf(ConcurrentModificationException.class);
        assertThatThrownBy(() -> firehose.updateDestination(r -> r.deliveryStreamName("orders-lake").currentDeliveryStreamVersionId("1")
                .destinationId("destinationId-000000000001").extendedS3DestinationUpdate(u -> u.bufferingHints(b -> b.intervalInSeconds(60)))))
                .isInstanceOf(ResourceInUseException.class).hasMessageContaining("Firehose orders-lake is in CREATING state");
        assertThatThrownBy(() -> firehose.startDeliveryStreamEncryption(r -> r.deliveryStreamName("orders-lake")))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("not supported");

        firehose.deleteDeliveryStream(r -> r.deliveryStreamName("orders-lake"));
        assertThatThrownBy(() -> describe("orders-lake")).isInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining("Firehose orders-lake under account 000000000000 not found.");
        assertThat(RunnelServerExtension.server().server.applications().find("firehose-orders-lake")).isEmpty();
        assertThat(kinesis.describeStreamSummary(r -> r.streamName("firehose-orders-lake")).streamDescriptionSummary().streamStatus())
                .isEqualTo(StreamStatus.DELETING);
    }

    @Test
    void aKinesisStreamSourceIsReadNotWritten() {
        kinesis.createStream(r -> r.streamName("clicks-for-lake").shardCount(1));
        firehose.createDeliveryStream(r -> r.deliveryStreamName("clicks-lake").deliveryStreamType(DeliveryStreamType.KINESIS_STREAM_AS_SOURCE)
                .kinesisStreamSourceConfiguration(k -> k.kinesisStreamARN("arn:aws:kinesis:us-east-1:000000000000:stream/clicks-for-lake")
                        .roleARN("arn:aws:iam::000000000000:role/firehose"))
                .extendedS3DestinationConfiguration(d -> d.roleARN("arn:aws:iam::000000000000:role/firehose")
                        .bucketARN("arn:aws:s3:::lake").compressionFormat("GZIP").customTimeZone("America/New_York")
                        .fileExtension(".json.gz")));
        DeliveryStreamDescription description = describe("clicks-lake");
        Application app = RunnelServerExtension.server().server.applications().find("firehose-clicks-lake").orElseThrow();
        DeliverySpec spec = DeliverySpec.fromBase64(app.code().runnelJobLines().get(2));
        assertThat(spec.source().stream()).isEqualTo("clicks-for-lake");
        assertThat(spec.timeZone()).isEqualTo("America/New_York");
        assertThat(spec.fileExtension()).isEqualTo(".json.gz");
        assertThat(spec.compression()).isEqualTo("GZIP");
        assertThat(description.source().kinesisStreamSourceDescription().kinesisStreamARN())
                .isEqualTo("arn:aws:kinesis:us-east-1:000000000000:stream/clicks-for-lake");
        assertThat(description.destinations().get(0).extendedS3DestinationDescription().compressionFormatAsString()).isEqualTo("GZIP");
        assertThatThrownBy(() -> firehose.putRecord(r -> r.deliveryStreamName("clicks-lake")
                .record(Record.builder().data(SdkBytes.fromUtf8String("x")).build())))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("This operation is not permitted on KinesisStreamAsSource delivery stream type.");
        firehose.deleteDeliveryStream(r -> r.deliveryStreamName("clicks-lake"));
    }

    @Test
    void putRecordBatchTakesAtMost500RecordsAnd4MiB() {
        firehose.createDeliveryStream(r -> r.deliveryStreamName("limits").extendedS3DestinationConfiguration(d -> d
                .roleARN("arn:aws:iam::000000000000:role/firehose").bucketARN("arn:aws:s3:::lake")));
        List<Record> tooMany = new ArrayList<>();
        for (int i = 0; i < 501; i++) {
            tooMany.add(Record.builder().data(SdkBytes.fromUtf8String("r" + i)).build());
        }
        assertThatThrownBy(() -> firehose.putRecordBatch(r -> r.deliveryStreamName("limits").records(tooMany)))
                .isInstanceOfSatisfying(FirehoseException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                    assertThat(e.awsErrorDetails().errorMessage()).contains("at 'records' failed to satisfy constraint: "
                            + "Member must have length less than or equal to 500");
                });
        SdkBytes oneMegabyte = SdkBytes.fromByteArray(new byte[1_000 * 1024]);
        List<Record> tooBig = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            tooBig.add(Record.builder().data(oneMegabyte).build());
        }
        assertThatThrownBy(() -> firehose.putRecordBatch(r -> r.deliveryStreamName("limits").records(tooBig)))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("Records size exceeds 4 MB limit");
        assertThatThrownBy(() -> firehose.putRecord(r -> r.deliveryStreamName("limits")
                .record(Record.builder().data(SdkBytes.fromByteArray(new byte[1_000 * 1024 + 1])).build())))
                .isInstanceOfSatisfying(FirehoseException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                    assertThat(e.awsErrorDetails().errorMessage()).contains("at 'record.data' failed to satisfy constraint");
                });
        // Four records of 1,000 KiB make a batch just under 4 MiB: taken whole.
        PutRecordBatchResponse put = firehose.putRecordBatch(r -> r.deliveryStreamName("limits").records(tooBig.subList(0, 4)));
        assertThat(put.failedPutCount()).isZero();
        assertThat(put.requestResponses()).hasSize(4);
        assertThat(internalRecords("firehose-limits")).hasSize(4);
        firehose.deleteDeliveryStream(r -> r.deliveryStreamName("limits"));
    }

    @Test
    void encryptionIsRefusedAsNotSupported() {
        firehose.createDeliveryStream(r -> r.deliveryStreamName("plain").extendedS3DestinationConfiguration(d -> d
                .roleARN("arn:aws:iam::000000000000:role/firehose").bucketARN("arn:aws:s3:::lake")));
        assertThatThrownBy(() -> firehose.startDeliveryStreamEncryption(r -> r.deliveryStreamName("plain")
                .deliveryStreamEncryptionConfigurationInput(c -> c.keyType("AWS_OWNED_CMK"))))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("not supported");
        assertThatThrownBy(() -> firehose.stopDeliveryStreamEncryption(r -> r.deliveryStreamName("plain")))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("not supported");
        assertThat(describe("plain").deliveryStreamEncryptionConfiguration().statusAsString()).isEqualTo("DISABLED");
        firehose.deleteDeliveryStream(r -> r.deliveryStreamName("plain"));
    }

    @Test
    void badConfigurationIsRefusedWithWhatIsWrong() {
        refused(d -> parquetByTier(d).bucketARN("arn:aws:s3:::no-such-bucket"), "The bucket no-such-bucket");
        refused(d -> parquetByTier(d).dataFormatConversionConfiguration(c -> c.enabled(true)
                        .schemaConfiguration(s -> s.databaseName("shop").tableName("missing"))),
                "The Glue table missing does not exist in database shop.");
        refused(d -> parquetByTier(d).prefix("orders/!{partitionKeyFromQuery:region}/"),
                "Prefix uses the partition key 'region', which the MetadataExtractionQuery {tier: .customer.tier} does not produce");
        refused(d -> parquetByTier(d).processingConfiguration(p -> p.enabled(true).processors(pr -> pr.type(ProcessorType.LAMBDA)
                        .parameters(a -> a.parameterName(ProcessorParameterName.LAMBDA_ARN).parameterValue("arn:aws:lambda:us-east-1:0:function:f")))),
                "Lambda processors are not supported");
        refused(d -> parquetByTier(d).prefix("x/!{partitionKeyFromLambda:id}/"), "Runnel runs no Lambda functions");
        refused(d -> parquetByTier(d).compressionFormat("GZIP"), "CompressionFormat must be UNCOMPRESSED when data format conversion");
        refused(d -> parquetByTier(d).bufferingHints(b -> b.sizeInMBs(5).intervalInSeconds(60)),
                "BufferingHints.SizeInMBs must be at least 64 when data format conversion is enabled.");
        refused(d -> parquetByTier(d).customTimeZone("Mars/Olympus"), "CustomTimeZone Mars/Olympus is not a time zone");
        refused(d -> parquetByTier(d).customTimeZone("+05:30"), "CustomTimeZone +05:30 is not a time zone");

        assertThatThrownBy(() -> firehose.createDeliveryStream(r -> r.deliveryStreamName("bad name")
                .extendedS3DestinationConfiguration(d -> parquetByTier(d))))
                .isInstanceOfSatisfying(FirehoseException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("1 validation error detected: Value 'bad name' at "
                            + "'deliveryStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                            + "[a-zA-Z0-9_.-]+");
                });
        assertThatThrownBy(() -> firehose.createDeliveryStream(r -> r.deliveryStreamName("from-nowhere")
                .deliveryStreamType(DeliveryStreamType.KINESIS_STREAM_AS_SOURCE)
                .kinesisStreamSourceConfiguration(k -> k.kinesisStreamARN("arn:aws:kinesis:us-east-1:000000000000:stream/nowhere")
                        .roleARN("arn:aws:iam::000000000000:role/firehose"))
                .extendedS3DestinationConfiguration(d -> d.roleARN("arn:aws:iam::000000000000:role/firehose").bucketARN("arn:aws:s3:::lake"))))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("The source stream nowhere");
        assertThatThrownBy(() -> firehose.createDeliveryStream(r -> r.deliveryStreamName("from-no-topic")
                .deliveryStreamType(DeliveryStreamType.MSK_AS_SOURCE)
                .mskSourceConfiguration(m -> m.mskClusterARN("arn:aws:kafka:us-east-1:000000000000:cluster/runnel/1").topicName("no-topic")
                        .authenticationConfiguration(a -> a.roleARN("arn:aws:iam::000000000000:role/msk").connectivity("PUBLIC")))
                .extendedS3DestinationConfiguration(d -> d.roleARN("arn:aws:iam::000000000000:role/firehose").bucketARN("arn:aws:s3:::lake"))))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("The topic no-topic does not exist");
        assertThat(firehose.listDeliveryStreams(r -> r.limit(100)).deliveryStreamNames())
                .doesNotContain("refused", "from-nowhere", "from-no-topic");
    }

    private static void refused(Consumer<ExtendedS3DestinationConfiguration.Builder> destination, String message) {
        assertThatThrownBy(() -> firehose.createDeliveryStream(r -> r.deliveryStreamName("refused")
                .extendedS3DestinationConfiguration(destination)))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining(message);
    }

    private static DeliveryStreamDescription describe(String name) {
        return firehose.describeDeliveryStream(r -> r.deliveryStreamName(name)).deliveryStreamDescription();
    }

    private static List<String> internalRecords(String stream) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() ->
                kinesis.describeStreamSummary(r -> r.streamName(stream)).streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
        List<String> records = new ArrayList<>();
        for (var shard : kinesis.listShards(r -> r.streamName(stream)).shards()) {
            String iterator = kinesis.getShardIterator(r -> r.streamName(stream).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            kinesis.getRecords(r -> r.shardIterator(iterator)).records().forEach(rec -> records.add(rec.data().asUtf8String()));
        }
        return records;
    }
}
