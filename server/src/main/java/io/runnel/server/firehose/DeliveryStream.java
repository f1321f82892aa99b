package io.runnel.server.firehose;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;
import java.util.TreeMap;

/**
 * A Firehose delivery stream as Runnel keeps it in the metadata topic: its configuration as the API took it,
 * and the names of what runs it.
 *
 * @param type           DirectPut, KinesisStreamAsSource or MSKAsSource
 * @param source         KinesisStreamSourceConfiguration or MSKSourceConfiguration as given; null for DirectPut
 * @param destination    ExtendedS3DestinationConfiguration, with every update applied
 * @param version        VersionId: 1 at creation, one more at each UpdateDestination
 * @param internalStream for DirectPut, the Runnel stream PutRecord appends to before delivery; null otherwise
 * @param previous       the delivery stream before its last UpdateDestination (what delivers if that update failed),
 *                       or null
 */
public record DeliveryStream(String name, String type, JsonNode source, JsonNode destination, long version, long createdAt,
                             long updatedAt, Map<String, String> tags, String internalStream, DeliveryStream previous) {

    public DeliveryStream {
        tags = new TreeMap<>(tags);
    }

    /** The application whose job delivers it, as `./runnel app list` shows it. */
    public String applicationName() {
        return applicationName(name);
    }

    public static String applicationName(String deliveryStream) {
        return "firehose-" + deliveryStream;
    }

    /** The next version, with a new destination; this one (without its own previous) is kept as its previous. */
    public DeliveryStream withDestination(JsonNode newDestination, long now) {
        DeliveryStream before = new DeliveryStream(name, type, source, destination, version, createdAt, updatedAt, tags,
                internalStream, null);
        return new DeliveryStream(name, type, source, newDestination, version + 1, createdAt, now, tags, internalStream, before);
    }

    public DeliveryStream withTags(Map<String, String> newTags) {
        return new DeliveryStream(name, type, source, destination, version, createdAt, updatedAt, newTags, internalStream,
                previous == null ? null : previous.withTags(newTags));
    }
}
