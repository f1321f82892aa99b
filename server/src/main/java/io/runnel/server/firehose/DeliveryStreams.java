package io.runnel.server.firehose;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.runnel.core.MetadataLog;
import io.runnel.core.StreamMetadata;
import io.runnel.core.StreamStatus;
import io.runnel.core.delivery.DeliverySpec;
import io.runnel.server.ControlThread;
import io.runnel.server.applications.Application;
import io.runnel.server.applications.Applications;
import io.runnel.server.streams.Streams;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * The control plane of Firehose delivery streams. A delivery stream is a document in the metadata topic and an
 * application that runs Runnel's delivery job (so the runtime starts, supervises and restarts it, and `./runnel
 * app list` shows it); a DirectPut one also has an internal Runnel stream that PutRecord appends to, so that an
 * acknowledged record is durable before it is delivered. Changes run on the applications' control thread.
 */
public final class DeliveryStreams {

    static final String KIND = "delivery-stream";
    /** The entry class of the delivery job in runnel-jobs.jar. */
    public static final String DELIVERY_JOB = "io.runnel.jobs.firehose.DeliveryJob";
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    /** Shards of a DirectPut delivery stream's internal stream. */
    private static final int INTERNAL_SHARDS = 2;

    private final MetadataLog metadata;
    private final Applications applications;
    private final Streams streams;

    public DeliveryStreams(MetadataLog metadata, Applications applications, Streams streams) {
        this.metadata = metadata;
        this.applications = applications;
        this.streams = streams;
    }

    public Applications applications() {
        return applications;
    }

    public Streams streams() {
        return streams;
    }

    public Optional<DeliveryStream> find(String name) {
        return metadata.document(KIND, name).map(DeliveryStreams::read);
    }

    public List<DeliveryStream> all() {
        return metadata.documents(KIND).values().stream().map(DeliveryStreams::read)
                .sorted(Comparator.comparing(DeliveryStream::name)).toList();
    }

    public <T> CompletableFuture<T> change(Callable<T> work) {
        return applications.change(work);
    }

    /** Saves a delivery stream. Control thread only. */
    public DeliveryStream save(DeliveryStream stream) {
        try {
            ControlThread.await(metadata.putDocument(KIND, stream.name(), JSON.writeValueAsBytes(stream)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return stream;
    }

    /** The name of the internal stream of a DirectPut delivery stream. */
    public static String internalStreamName(String deliveryStream) {
        return "firehose-" + deliveryStream;
    }

    /**
     * Creates a DirectPut delivery stream's internal stream (it is ACTIVE a moment later), unless a stream of that
     * name exists: checked on the streams' own thread, where a user's CreateStream of the same name is serialized.
     * Control thread only.
     *
     * @return whether it was created
     */
    public boolean createInternalStream(String name) {
        return ControlThread.await(streams.change(() -> {
            if (streams.find(name).isPresent()) {
                return false;
            }
            streams.create(name, StreamMetadata.StreamMode.PROVISIONED, INTERNAL_SHARDS,
                    Map.of("runnel:firehose", "internal stream of a delivery stream"));
            return true;
        }));
    }

    /** Marks an internal stream DELETING, as DeleteStream does. Control thread only. */
    public void deleteInternalStream(String name) {
        ControlThread.await(streams.change(() -> {
            streams.find(name).filter(s -> s.status() != StreamStatus.DELETING)
                    .ifPresent(s -> streams.save(s.withStatus(StreamStatus.DELETING, System.currentTimeMillis())));
            return null;
        }));
    }

    /**
     * Waits (on an I/O thread) until a new internal stream is ACTIVE, at most {@code timeout}: past it, PutRecord
     * answers a retryable ServiceUnavailableException until the stream is.
     */
    public void awaitActive(String internalStream, java.time.Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.find(internalStream).map(s -> s.status() == StreamStatus.CREATING).orElse(false) && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /** Starts the delivery job of a new delivery stream. Control thread only. */
    public void launch(DeliveryStream stream, DeliverySpec spec, long checkpointIntervalMs) {
        applications.launch(Application.runnelJob(stream.applicationName(), "Delivers Firehose delivery stream " + stream.name(),
                code(spec), checkpointing(checkpointIntervalMs), Application.Parallelism.DEFAULT, System.currentTimeMillis()));
    }

    /** Gives the delivery job a new configuration, which a running job takes up after a stop with a snapshot. */
    public void reconfigure(DeliveryStream stream, DeliverySpec spec, long checkpointIntervalMs) {
        Application app = applications.find(stream.applicationName()).orElseThrow(() -> new IllegalStateException(
                "delivery stream " + stream.name() + " has no application " + stream.applicationName()));
        applications.reconfigure(app, code(spec), checkpointing(checkpointIntervalMs));
    }

    /** Deletes a delivery stream, its application (stopping its job) and its internal stream. Control thread only. */
    public void delete(DeliveryStream stream) {
        applications.find(stream.applicationName()).ifPresent(applications::remove);
        if (stream.internalStream() != null) {
            deleteInternalStream(stream.internalStream());
        }
        ControlThread.await(metadata.removeDocument(KIND, stream.name()));
    }

    /**
     * A delivery stream as it delivers. An UpdateDestination takes effect through an update of its application,
     * which is rolled back if the running job cannot be stopped with a snapshot or the new one cannot start: then the
     * configuration before the update is the one that delivers, and {@code updateFailure} says why.
     */
    public record Delivering(DeliveryStream stream, String updateFailure) {
    }

    public Delivering delivering(DeliveryStream stream) {
        Optional<Application> app = application(stream);
        if (stream.previous() == null || app.isEmpty() || app.get().pendingOperation() != null || !app.get().code().isRunnelJob()) {
            return new Delivering(stream, null);
        }
        List<String> lines = app.get().code().runnelJobLines(); // the entry class, --spec-base64, the spec
        long running = DeliverySpec.fromBase64(lines.get(lines.size() - 1)).version();
        if (running != stream.previous().version()) {
            return new Delivering(stream, null);
        }
        String error = app.get().operations().stream().filter(o -> o.type().equals("UpdateApplication"))
                .reduce((first, second) -> second).map(Application.Operation::error).orElse(null);
        return new Delivering(stream.previous(), "UpdateDestination to version " + stream.version() + " could not take effect"
                + (error == null ? "" : ": " + error) + "; delivery goes on with version " + running + ".");
    }

    /** The application that delivers it, if it (still) exists. */
    public Optional<Application> application(DeliveryStream stream) {
        return applications.find(stream.applicationName());
    }

    private static Application.Code code(DeliverySpec spec) {
        return Application.Code.runnelJob(DELIVERY_JOB, List.of("--spec-base64", spec.toBase64()));
    }

    private static Application.Checkpointing checkpointing(long intervalMs) {
        return new Application.Checkpointing("CUSTOM", true, intervalMs, 0);
    }

    private static DeliveryStream read(byte[] json) {
        try {
            return JSON.readValue(json, DeliveryStream.class);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable delivery stream document", e);
        }
    }
}
