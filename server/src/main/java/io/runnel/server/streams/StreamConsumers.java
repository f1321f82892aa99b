package io.runnel.server.streams;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.runnel.core.MetadataLog;
import io.runnel.core.StreamMetadata;
import io.runnel.server.ControlThread;
import io.runnel.server.RunnelConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The consumers registered for enhanced fan-out, each a document in the metadata topic under its stream's name.
 * A consumer belongs to one incarnation of its stream (by the stream's creation time): once the stream is deleted,
 * its consumers are gone, even if a stream of the same name is created again. Statuses follow from the time:
 * a consumer is CREATING for the create delay after it is registered, and DELETING for the delete delay after it is
 * deregistered, after which it is gone. Changes run on the streams' control thread.
 */
public final class StreamConsumers {

    static final String KIND = "stream-consumer";
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /**
     * @param createdAt       when it was registered (epoch millis); its ARN ends with this time in seconds
     * @param deregisteredAt  when it was deregistered, or 0
     */
    public record Consumer(String streamName, long streamCreatedAt, String name, long createdAt, long deregisteredAt) {
    }

    public enum Status { CREATING, ACTIVE, DELETING }

    private final RunnelConfig config;
    private final MetadataLog metadata;

    public StreamConsumers(RunnelConfig config, MetadataLog metadata) {
        this.config = config;
        this.metadata = metadata;
    }

    public String arn(Consumer c) {
        return config.streamArn(c.streamName()) + "/consumer/" + c.name() + ":" + c.createdAt() / 1000;
    }

    /** Its status now; empty once it is gone. */
    public Optional<Status> status(Consumer c, long now) {
        if (c.deregisteredAt() > 0) {
            return now - c.deregisteredAt() < config.deleteStreamDelay.toMillis() ? Optional.of(Status.DELETING) : Optional.empty();
        }
        return Optional.of(now - c.createdAt() < config.createStreamDelay.toMillis() ? Status.CREATING : Status.ACTIVE);
    }

    /** The consumers of a stream that are not gone, oldest first. */
    public List<Consumer> of(StreamMetadata stream) {
        long now = System.currentTimeMillis();
        String prefix = stream.name() + "/";
        return metadata.documents(KIND).entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .map(e -> read(e.getValue()))
                .filter(c -> c.streamCreatedAt() == stream.createdAt() && status(c, now).isPresent())
                .sorted(Comparator.comparingLong(Consumer::createdAt).thenComparing(Consumer::name)).toList();
    }

    public Optional<Consumer> find(StreamMetadata stream, String name) {
        return of(stream).stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** Saves a consumer's document. Control thread only. */
    public Consumer save(Consumer c) {
        try {
            ControlThread.await(metadata.putDocument(KIND, c.streamName() + "/" + c.name(), JSON.writeValueAsBytes(c)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return c;
    }

    private static Consumer read(byte[] json) {
        try {
            return JSON.readValue(json, Consumer.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
