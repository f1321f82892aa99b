package io.runnel.server.api.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.RunnelConfig;
import io.runnel.server.api.ApiService;
import io.runnel.server.applications.Application;
import io.runnel.server.applications.ApplicationStatus;
import io.runnel.server.firehose.DeliveryConfiguration;
import io.runnel.server.firehose.DeliveryStream;
import io.runnel.server.firehose.DeliveryStreams;
import io.runnel.server.http.ApiException;
import io.runnel.server.http.WireFormat;
import io.runnel.server.streams.RecordWriter;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static java.util.Map.entry;

/** The Amazon Data Firehose API ({@code Firehose_20150804}): its operations and what they share. */
public final class Firehose {

    public static final String SERVICE = "Firehose_20150804";
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final int MAX_TAGS = 50;
    /** The one destination a delivery stream has, under the id Firehose gives it. */
    static final String DESTINATION_ID = "destinationId-000000000001";

    private static final Map<String, FirehoseAction> ACTIONS = Map.ofEntries(
            entry("CreateDeliveryStream", new CreateDeliveryStreamAction()),
            entry("DescribeDeliveryStream", new DescribeDeliveryStreamAction()),
            entry("ListDeliveryStreams", new ListDeliveryStreamsAction()),
            entry("DeleteDeliveryStream", new DeleteDeliveryStreamAction()),
            entry("PutRecord", new PutRecordAction()),
            entry("PutRecordBatch", new PutRecordBatchAction()),
            entry("UpdateDestination", new UpdateDestinationAction()),
            entry("TagDeliveryStream", new TagDeliveryStreamAction()),
            entry("UntagDeliveryStream", new UntagDeliveryStreamAction()),
            entry("ListTagsForDeliveryStream", new ListTagsForDeliveryStreamAction()),
            entry("StartDeliveryStreamEncryption", new EncryptionAction("StartDeliveryStreamEncryption")),
            entry("StopDeliveryStreamEncryption", new EncryptionAction("StopDeliveryStreamEncryption")));

    final RunnelConfig config;
    final DeliveryStreams deliveryStreams;
    final DeliveryConfiguration configuration;
    final RecordWriter writer;

    public Firehose(RunnelConfig config, DeliveryStreams deliveryStreams, DeliveryConfiguration configuration, RecordWriter writer) {
        this.config = config;
        this.deliveryStreams = deliveryStreams;
        this.configuration = configuration;
        this.writer = writer;
    }

    public ApiService service() {
        return ApiService.of(SERVICE, ACTIONS, this);
    }

    static ObjectNode object() {
        return NODES.objectNode();
    }

    static CompletableFuture<JsonNode> done(JsonNode response) {
        return CompletableFuture.completedFuture(response);
    }

    ApiException notFound(String name) {
        return ApiException.resourceNotFound("Firehose " + name + " under account " + config.accountId + " not found.");
    }

    DeliveryStream require(String name) {
        return deliveryStreams.find(name).orElseThrow(() -> notFound(name));
    }

    String arn(String name) {
        return "arn:aws:firehose:" + config.region + ":" + config.accountId + ":deliverystream/" + name;
    }

    /** Completes once the bucket a BucketARN names is known to exist on the S3 endpoint; fails if it does not. */
    CompletableFuture<Void> requireBucket(String bucketArn) {
        String bucket = DeliveryConfiguration.bucket(bucketArn);
        var applications = deliveryStreams.applications();
        return CompletableFuture.supplyAsync(() -> applications.store().bucketExists(bucket), applications.io()).thenAccept(exists -> {
            if (!exists) {
                throw ApiException.invalidArgument("The bucket " + bucket + " (" + bucketArn + ") does not exist on Runnel's S3 "
                        + "endpoint; create it first (aws s3 mb s3://" + bucket + ").");
            }
        });
    }

    static Map<String, String> tags(JsonNode list) {
        Map<String, String> tags = new TreeMap<>();
        if (list != null) {
            list.forEach(t -> tags.put(t.path("Key").asText(), t.path("Value").asText("")));
        }
        return tags;
    }

    /** Appends records to a DirectPut delivery stream's internal stream; one result per record, in order. */
    CompletableFuture<List<RecordWriter.Result>> append(String name, List<byte[]> records) {
        DeliveryStream stream = require(name);
        if (stream.internalStream() == null) {
            throw ApiException.invalidArgument("This operation is not permitted on " + stream.type() + " delivery stream type.");
        }
        // Records spread over the internal stream's shards; Firehose promises no order between them.
        List<RecordWriter.Entry> entries = records.stream().map(data -> {
            byte[] key = UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8);
            return RecordWriter.Entry.keyed(key, data);
        }).toList();
        return deliveryStreams.streams().withOpenShards(stream.internalStream(), internal -> {
            if (internal == null) {
                throw ApiException.resourceNotFound("The internal stream " + stream.internalStream() + " of delivery stream " + name
                        + " is gone; delete and create the delivery stream again.");
            }
            if (internal.status() == io.runnel.core.StreamStatus.DELETING) {
                throw ApiException.resourceNotFound("Firehose " + name + " is being deleted: its internal stream "
                        + stream.internalStream() + " takes no more records.");
            }
            if (internal.status() == io.runnel.core.StreamStatus.CREATING) {
                // Retried by the SDKs: the stream that makes records durable is ACTIVE within --create-stream-ms.
                throw new ApiException("ServiceUnavailableException", 503, "Firehose " + name + " is being created; its records "
                        + "can be put in a moment.");
            }
            return writer.put(internal, entries);
        });
    }

    /**
     * Where a delivery stream is in its life: CREATING until its job first runs, ACTIVE from then on; a job that
     * fails is tried again and again, so it shows a FailureDescription rather than CREATING_FAILED, which is final.
     */
    static String status(Optional<Application> app) {
        if (app.isEmpty()) {
            return "DELETING";
        }
        Application a = app.get();
        boolean ranOnce = a.operations().stream().anyMatch(o -> o.type().equals("StartApplication") && "SUCCESSFUL".equals(o.status()));
        if (a.status() == ApplicationStatus.DELETING) {
            return "DELETING";
        }
        if (a.status() == ApplicationStatus.RUNNING || a.status() == ApplicationStatus.UPDATING || ranOnce) {
            return "ACTIVE";
        }
        return "CREATING";
    }

    /** Why a delivery stream is not delivering, if it is not: its job's failure, or its job being stopped. */
    private static String failure(Application app) {
        if (app.failure() != null) {
            return app.failure();
        }
        if (app.status() == ApplicationStatus.READY && !status(Optional.of(app)).equals("CREATING")) {
            return "Delivery is stopped: the delivery job was stopped outside the Firehose API. Records wait in their source; "
                    + "start it again with ./runnel app start " + app.name() + ".";
        }
        return null;
    }

    /** DeliveryStreamDescription, of the configuration that delivers. */
    ObjectNode describe(DeliveryStream stored) {
        DeliveryStreams.Delivering delivering = deliveryStreams.delivering(stored);
        DeliveryStream stream = delivering.stream();
        Optional<Application> app = deliveryStreams.application(stream);
        ObjectNode d = object();
        d.put("DeliveryStreamName", stream.name());
        d.put("DeliveryStreamARN", arn(stream.name()));
        d.put("DeliveryStreamStatus", status(app));
        String failure = delivering.updateFailure() != null ? delivering.updateFailure() : app.map(Firehose::failure).orElse(null);
        if (failure != null) {
            d.putObject("FailureDescription").put("Type", "UNKNOWN_ERROR").put("Details", failure);
        }
        d.putObject("DeliveryStreamEncryptionConfiguration").put("Status", "DISABLED");
        d.put("DeliveryStreamType", stream.type());
        d.put("VersionId", Long.toString(stream.version()));
        d.set("CreateTimestamp", WireFormat.timestamp(stream.createdAt()));
        d.set("LastUpdateTimestamp", WireFormat.timestamp(stream.updatedAt()));
        if (stream.type().equals("KinesisStreamAsSource")) {
            d.putObject("Source").putObject("KinesisStreamSourceDescription")
                    .put("KinesisStreamARN", stream.source().path("KinesisStreamARN").asText())
                    .put("RoleARN", stream.source().path("RoleARN").asText())
                    .set("DeliveryStartTimestamp", WireFormat.timestamp(stream.createdAt()));
        } else if (stream.type().equals("MSKAsSource")) {
            ObjectNode msk = d.putObject("Source").putObject("MSKSourceDescription")
                    .put("MSKClusterARN", stream.source().path("MSKClusterARN").asText())
                    .put("TopicName", stream.source().path("TopicName").asText());
            msk.set("AuthenticationConfiguration", stream.source().path("AuthenticationConfiguration"));
            msk.set("DeliveryStartTimestamp", WireFormat.timestamp(stream.createdAt()));
        }
        ArrayNode destinations = d.putArray("Destinations");
        ObjectNode destination = destinations.addObject().put("DestinationId", DESTINATION_ID);
        ObjectNode s3 = stream.destination().deepCopy();
        // A member given as null is one not given.
        if (!(s3.get("BufferingHints") instanceof ObjectNode)) {
            s3.putObject("BufferingHints");
        }
        ObjectNode hints = (ObjectNode) s3.get("BufferingHints");
        boolean converting = DeliveryConfiguration.converting(s3);
        if (!hints.has("SizeInMBs")) {
            hints.put("SizeInMBs", converting ? 128 : 5);
        }
        if (!hints.has("IntervalInSeconds")) {
            hints.put("IntervalInSeconds", 300);
        }
        if (!s3.hasNonNull("CompressionFormat")) {
            s3.put("CompressionFormat", "UNCOMPRESSED");
        }
        if (!s3.hasNonNull("EncryptionConfiguration")) {
            s3.putObject("EncryptionConfiguration").put("NoEncryptionConfig", "NoEncryption");
        }
        if (!s3.hasNonNull("S3BackupMode")) {
            s3.put("S3BackupMode", "Disabled");
        }
        destination.set("ExtendedS3DestinationDescription", s3);
        d.put("HasMoreDestinations", false);
        return d;
    }
}
