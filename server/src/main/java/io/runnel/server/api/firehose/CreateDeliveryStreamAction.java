package io.runnel.server.api.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.firehose.DeliveryStream;
import io.runnel.server.http.ApiException;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.runnel.core.delivery.DeliverySpec;
import io.runnel.server.firehose.DeliveryConfiguration;
import io.runnel.server.firehose.DeliveryStreams;

import java.util.Map;

/**
 * Creates a delivery stream: checks its configuration (the bucket exists, the Glue table exists, the prefix's
 * partition keys come from the query, no Lambda), creates a DirectPut stream's internal stream, and starts its
 * delivery job as an application. It is CREATING until the job runs.
 */
final class CreateDeliveryStreamAction implements FirehoseAction {

    @Override
    public List<Member> input() {
        return List.of(FirehoseMembers.deliveryStreamName(),
                Member.string("DeliveryStreamType").oneOf("DirectPut", "KinesisStreamAsSource", "MSKAsSource", "DatabaseAsSource"),
                Member.structure("KinesisStreamSourceConfiguration",
                        Member.string("KinesisStreamARN").required().length(1, 512).pattern(FirehoseMembers.ARN_PATTERN),
                        Member.string("RoleARN").required().length(1, 512).pattern(FirehoseMembers.ARN_PATTERN)),
                Member.structure("MSKSourceConfiguration",
                        Member.string("MSKClusterARN").required().length(1, 512).pattern(FirehoseMembers.ARN_PATTERN),
                        Member.string("TopicName").required().length(1, 255).pattern("[a-zA-Z0-9\\._\\-]+"),
                        Member.structure("AuthenticationConfiguration",
                                Member.string("RoleARN").required().length(1, 512).pattern(FirehoseMembers.ARN_PATTERN),
                                Member.string("Connectivity").required().oneOf("PUBLIC", "PRIVATE")).required(),
                        Member.timestamp("ReadFromTimestamp")),
                FirehoseMembers.extendedS3Destination("ExtendedS3DestinationConfiguration", false),
                FirehoseMembers.tags());
    }

    private static final List<String> OTHER_DESTINATIONS = List.of("S3DestinationConfiguration", "RedshiftDestinationConfiguration",
            "ElasticsearchDestinationConfiguration", "AmazonopensearchserviceDestinationConfiguration", "SplunkDestinationConfiguration",
            "HttpEndpointDestinationConfiguration", "AmazonOpenSearchServerlessDestinationConfiguration",
            "SnowflakeDestinationConfiguration", "IcebergDestinationConfiguration");

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Firehose firehose) {
        String name = request.string("DeliveryStreamName");
        String type = request.has("DeliveryStreamType") ? request.string("DeliveryStreamType") : "DirectPut";
        JsonNode source = switch (type) {
            case "KinesisStreamAsSource" -> requireSource(request, "KinesisStreamSourceConfiguration", type);
            case "MSKAsSource" -> requireSource(request, "MSKSourceConfiguration", type);
            case "DirectPut" -> null;
            default -> throw ApiException.invalidArgument("DeliveryStreamType " + type + " is not supported by Runnel; it delivers "
                    + "DirectPut, KinesisStreamAsSource and MSKAsSource delivery streams.");
        };
        for (String member : List.of("KinesisStreamSourceConfiguration", "MSKSourceConfiguration")) {
            if (request.has(member) && (source == null || !source.equals(request.node(member)))) {
                throw ApiException.invalidArgument(member + " is only for a delivery stream of type "
                        + (member.startsWith("Kinesis") ? "KinesisStreamAsSource" : "MSKAsSource") + ", not " + type + ".");
            }
        }
        for (String other : OTHER_DESTINATIONS) {
            if (request.has(other)) {
                throw ApiException.invalidArgument(other + " is not supported by Runnel; it delivers to S3 with "
                        + "ExtendedS3DestinationConfiguration.");
            }
        }
        JsonNode destination = request.node("ExtendedS3DestinationConfiguration");
        if (destination == null) {
            throw ApiException.invalidArgument("ExtendedS3DestinationConfiguration is required: Runnel delivers to S3.");
        }
        Map<String, String> tags = Firehose.tags(request.node("Tags"));
        long now = System.currentTimeMillis();
        String internal = type.equals("DirectPut") ? DeliveryStreams.internalStreamName(name) : null;
        DeliveryStream stream = new DeliveryStream(name, type, source, destination, 1, now, now, tags, internal, null);
        DeliverySpec spec = firehose.configuration.spec(stream);
        if (type.equals("KinesisStreamAsSource")) {
            String sourceStream = spec.source().stream();
            if (firehose.deliveryStreams.streams().find(sourceStream).isEmpty()) {
                throw ApiException.invalidArgument("The source stream " + sourceStream + " under account " + firehose.config.accountId
                        + " does not exist.");
            }
        }
        if (type.equals("MSKAsSource") && !source.path("MSKClusterARN").asText().startsWith("arn:aws:kafka:")) {
            throw ApiException.invalidArgument("MSKClusterARN " + source.path("MSKClusterARN").asText() + " is not the ARN of a Kafka "
                    + "cluster (arn:aws:kafka:...); Runnel delivers from its own Kafka cluster's topics.");
        }
        var applications = firehose.deliveryStreams.applications();
        CompletableFuture<Void> checked = firehose.requireBucket(destination.path("BucketARN").asText());
        if (type.equals("MSKAsSource")) {
            String topic = spec.source().topic();
            checked = checked.thenCompose(ok -> firehose.deliveryStreams.streams().topicExists(topic)).thenAccept(exists -> {
                if (!exists) {
                    throw ApiException.invalidArgument("The topic " + topic + " does not exist on the Kafka cluster "
                            + source.path("MSKClusterARN").asText() + " (Runnel's own Kafka cluster).");
                }
            });
        }
        return checked
                .thenCompose(ok -> firehose.deliveryStreams.change(() -> {
                        if (firehose.deliveryStreams.find(name).isPresent()) {
                            throw ApiException.resourceInUse("Firehose " + name + " under accountId " + firehose.config.accountId
                                    + " already exists");
                        }
                        if (applications.find(stream.applicationName()).isPresent()) {
                            throw ApiException.resourceInUse("Firehose " + name + " cannot be created: the application "
                                    + stream.applicationName() + " that would deliver it already exists.");
                        }
                        if (internal != null && !firehose.deliveryStreams.createInternalStream(internal)) {
                            throw ApiException.resourceInUse("Firehose " + name + " cannot be created: the stream " + internal
                                    + " that would hold its records already exists.");
                        }
                        try {
                            firehose.deliveryStreams.save(stream);
                            firehose.deliveryStreams.launch(stream, spec, DeliveryConfiguration.checkpointIntervalMs(destination));
                        } catch (RuntimeException e) {
                            // Half a delivery stream would keep its name taken: what was made goes, as far as it can.
                            undo(() -> firehose.deliveryStreams.find(name).ifPresent(firehose.deliveryStreams::delete), e);
                            if (internal != null) {
                                undo(() -> firehose.deliveryStreams.deleteInternalStream(internal), e);
                            }
                            throw e;
                        }
                        return (JsonNode) Firehose.object().put("DeliveryStreamARN", firehose.arn(name));
                    }))
                // Answered once PutRecord can take records: when the internal stream that keeps them is ACTIVE.
                .thenApplyAsync(response -> {
                    if (internal != null) {
                        firehose.deliveryStreams.awaitActive(internal, INTERNAL_STREAM_WAIT);
                    }
                    return response;
                }, applications.io());
    }

    private static void undo(Runnable step, RuntimeException cause) {
        try {
            step.run();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    private static final java.time.Duration INTERNAL_STREAM_WAIT = java.time.Duration.ofSeconds(30);

    private static JsonNode requireSource(Request request, String member, String type) {
        if (!request.has(member)) {
            throw ApiException.invalidArgument(member + " is required for a delivery stream of type " + type + ".");
        }
        return request.node(member);
    }
}
