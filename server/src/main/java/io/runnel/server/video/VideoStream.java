package io.runnel.server.video;

import java.util.Map;

/**
 * A Kinesis video stream as Runnel keeps it in the metadata topic. Its fragments are objects in {@code bucket}
 * under {@link #objectPrefix()}; its fragment index is the data stream {@code indexStream}.
 *
 * @param status CREATING until its index stream is ACTIVE; DELETING once deleted
 */
public record VideoStream(String name, String arn, String deviceName, String mediaType, String kmsKeyId, String version,
                          String status, long creationTime, int dataRetentionInHours, Map<String, String> tags,
                          String indexStream) {

    public static final String CREATING = "CREATING";
    public static final String ACTIVE = "ACTIVE";
    public static final String DELETING = "DELETING";

    public VideoStream {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    /** Where its fragments' objects live: a stream made again under the same name starts afresh. */
    public String objectPrefix() {
        return name + "/" + creationTime + "/";
    }

    public VideoStream withStatus(String s) {
        return new VideoStream(name, arn, deviceName, mediaType, kmsKeyId, version, s, creationTime, dataRetentionInHours, tags, indexStream);
    }

    public VideoStream withTags(Map<String, String> t) {
        return new VideoStream(name, arn, deviceName, mediaType, kmsKeyId, version, status, creationTime, dataRetentionInHours, t, indexStream);
    }

    public VideoStream updated(String newVersion, String newDeviceName, String newMediaType) {
        return new VideoStream(name, arn, newDeviceName, newMediaType, kmsKeyId, newVersion, status, creationTime,
                dataRetentionInHours, tags, indexStream);
    }

    public VideoStream withRetention(String newVersion, int hours) {
        return new VideoStream(name, arn, deviceName, mediaType, kmsKeyId, newVersion, status, creationTime, hours, tags, indexStream);
    }
}
