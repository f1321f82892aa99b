package io.runnel.server.api.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.core.delivery.DeliverySpec;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.firehose.DeliveryConfiguration;
import io.runnel.server.firehose.DeliveryStream;
import io.runnel.server.http.ApiException;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Changes a delivery stream's destination: the update's members replace the current ones (a structure merged
 * member by member), the version goes up by one, and the running job takes the new configuration after a stop
 * with a snapshot, so that no record is lost or delivered twice across the change.
 */
final class UpdateDestinationAction implements FirehoseAction {

    @Override
    public List<Member> input() {
        return List.of(FirehoseMembers.deliveryStreamName(),
                Member.string("CurrentDeliveryStreamVersionId").required().length(1, 50).pattern("[0-9]+"),
                Member.string("DestinationId").required().length(1, 100).pattern("[a-zA-Z0-9-]+"),
                FirehoseMembers.extendedS3Destination("ExtendedS3DestinationUpdate", true));
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Firehose firehose) {
        String name = request.string("DeliveryStreamName");
        if (!request.string("DestinationId").equals(Firehose.DESTINATION_ID)) {
            throw ApiException.invalidArgument("Destination " + request.string("DestinationId") + " of Firehose " + name
                    + " does not exist; its destination is " + Firehose.DESTINATION_ID + ".");
        }
        JsonNode update = request.node("ExtendedS3DestinationUpdate");
        if (update == null) {
            throw ApiException.invalidArgument("ExtendedS3DestinationUpdate is required: Runnel delivers to S3.");
        }
        CompletableFuture<Void> bucketChecked = CompletableFuture.completedFuture(null);
        if (update.hasNonNull("BucketARN")) {
            bucketChecked = firehose.requireBucket(update.path("BucketARN").asText());
        }
        return bucketChecked.thenCompose(checked -> firehose.deliveryStreams.change(() -> {
            DeliveryStream current = firehose.deliveryStreams.delivering(firehose.require(name)).stream();
            if (!request.string("CurrentDeliveryStreamVersionId").equals(Long.toString(current.version()))) {
                throw ApiException.badRequest("ConcurrentModificationException", "Firehose " + name + " has version "
                        + current.version() + ", not " + request.string("CurrentDeliveryStreamVersionId") + ".");
            }
            var app = firehose.deliveryStreams.application(current);
            String status = Firehose.status(app);
            if (!status.equals("ACTIVE")) {
                throw ApiException.resourceInUse("Firehose " + name + " is in " + status + " state; its destination can be "
                        + "updated once it is ACTIVE.");
            }
            var appStatus = app.get().status();
            if (appStatus != io.runnel.server.applications.ApplicationStatus.RUNNING
                    && appStatus != io.runnel.server.applications.ApplicationStatus.READY) {
                throw ApiException.resourceInUse("Firehose " + name + " is being started again or changed ("
                        + app.get().status() + "); its destination can be updated once that is done.");
            }
            ObjectNode merged = current.destination().deepCopy();
            merge(merged, update);
            DeliveryStream updated = current.withDestination(merged, System.currentTimeMillis());
            DeliverySpec spec = firehose.configuration.spec(updated);
            firehose.deliveryStreams.reconfigure(updated, spec, DeliveryConfiguration.checkpointIntervalMs(merged));
            firehose.deliveryStreams.save(updated);
            return (JsonNode) Firehose.object();
        }));
    }

    private static void merge(ObjectNode target, JsonNode update) {
        Iterator<Map.Entry<String, JsonNode>> fields = update.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            JsonNode existing = target.get(e.getKey());
            if (existing instanceof ObjectNode o && e.getValue().isObject()) {
                merge(o, e.getValue());
            } else {
                target.set(e.getKey(), e.getValue());
            }
        }
    }
}
