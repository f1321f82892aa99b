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
 */
public record DeliveryStream(String name, String type, JsonNode source, JsonNode destination, long version, long createdAt,
                             long updatedAt, Map<String, String> tags, String internalStream) {

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

    public DeliveryStream withDestination(JsonNode newDestination, long now) {
        return new DeliveryStream(name, type, source, newDestination, version + 1, createdAt, now, tags, internalStream);
    }

    public DeliveryStream withTags(Map<String, String> newTags) {
        return new DeliveryStream(name, type, source, destination, version, createdAt, updatedAt, newTags, internalStream);
    }
}
