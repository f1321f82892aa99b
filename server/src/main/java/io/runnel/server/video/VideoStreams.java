package io.runnel.server.video;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.runnel.core.StreamMetadata;
import io.runnel.core.StreamStatus;
import io.runnel.core.MetadataLog;
import io.runnel.server.ControlThread;
import io.runnel.server.DaemonThreads;
import io.runnel.server.s3.ObjectStore;
import io.runnel.server.streams.Streams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The control plane of Kinesis video streams. A video stream is a document in the metadata topic, a one-shard data
 * stream that indexes its fragments, and the fragments' objects on the S3 endpoint. Changes run on the streams'
 * control thread, where the index stream is made and removed with it. A sweeper deletes the objects of fragments
 * past their stream's retention and of deleted streams.
 */
public final class VideoStreams implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(VideoStreams.class);
    static final String KIND = "video-stream";
    public static final String BUCKET = "runnel-video";
    /** A stream that retains nothing still keeps fragments this long, for the consumers reading it live. */
    public static final long LIVE_ONLY_RETENTION_MS = TimeUnit.MINUTES.toMillis(5);
    private static final long ORPHAN_GRACE_MS = TimeUnit.MINUTES.toMillis(10);
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final MetadataLog metadata;
    private final Streams streams;
    private final ObjectStore store;
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("runnel-video-retention"));

    public VideoStreams(MetadataLog metadata, Streams streams, ObjectStore store, long sweepPeriodMs) {
        this.metadata = metadata;
        this.streams = streams;
        this.store = store;
        sweeper.scheduleWithFixedDelay(this::sweepLogged, sweepPeriodMs, sweepPeriodMs, TimeUnit.MILLISECONDS);
    }

    public Streams streams() {
        return streams;
    }

    public ObjectStore store() {
        return store;
    }

    public Optional<VideoStream> find(String name) {
        return metadata.document(KIND, name).map(VideoStreams::read).map(this::withLiveStatus);
    }

    public Optional<VideoStream> findByArn(String arn) {
        return all().stream().filter(s -> s.arn().equals(arn)).findFirst();
    }

    public List<VideoStream> all() {
        return metadata.documents(KIND).values().stream().map(VideoStreams::read).map(this::withLiveStatus)
                .sorted(Comparator.comparing(VideoStream::name)).toList();
    }

    /** A stream is CREATING until its index can take fragments. */
    private VideoStream withLiveStatus(VideoStream stream) {
        if (!stream.status().equals(VideoStream.CREATING)) {
            return stream;
        }
        boolean ready = streams.find(stream.indexStream()).map(s -> s.status() == StreamStatus.ACTIVE).orElse(false);
        return ready ? stream.withStatus(VideoStream.ACTIVE) : stream;
    }

    /** The index stream's metadata, once it can take fragments. */
    public Optional<StreamMetadata> index(VideoStream stream) {
        return streams.find(stream.indexStream()).filter(s -> s.status() == StreamStatus.ACTIVE || s.status() == StreamStatus.UPDATING);
    }

    /** Runs a change to video streams on the streams' control thread. */
    public <T> CompletableFuture<T> change(Callable<T> work) {
        return streams.change(work);
    }

    /**
     * Saves a new video stream and makes its index stream, or says why it cannot. Control thread only.
     *
     * @return null when made, else the reason it was not
     */
    public String create(VideoStream stream) {
        if (metadata.document(KIND, stream.name()).isPresent()) {
            return "The stream " + stream.name() + " already exists.";
        }
        Optional<StreamMetadata> existing = streams.find(stream.indexStream());
        if (existing.isPresent()) {
            return existing.get().status() == StreamStatus.DELETING
                    ? "The stream " + stream.name() + " is still being deleted; try again shortly."
                    : "The data stream " + stream.indexStream() + ", which would index the stream's fragments, already exists.";
        }
        StreamMetadata index = streams.create(stream.indexStream(), StreamMetadata.StreamMode.PROVISIONED, 1,
                Map.of("runnel:video", stream.name()));
        int hours = indexRetentionHours(stream.dataRetentionInHours());
        if (hours != index.retentionHours()) {
            // The index's topic exists from the start: its retention changes with the stream's.
            streams.setRetention(index, hours);
            streams.save(index.withRetentionHours(hours));
        }
        save(stream);
        return null;
    }

    /** Index records outlive their fragments a little: the sweeper, not Kafka, decides when a fragment is gone. */
    private static int indexRetentionHours(int streamHours) {
        return Math.max(Streams.DEFAULT_RETENTION_HOURS, streamHours + 1);
    }

    /** Saves a video stream's document. Control thread only. */
    public VideoStream save(VideoStream stream) {
        try {
            ControlThread.await(metadata.putDocument(KIND, stream.name(), JSON.writeValueAsBytes(stream)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return stream;
    }

    /** Changes a stream's retention, and its index's to outlast it. Control thread only. */
    public VideoStream setRetention(VideoStream stream, String newVersion, int hours) {
        streams.find(stream.indexStream()).ifPresent(index -> {
            int indexHours = indexRetentionHours(hours);
            if (indexHours != index.retentionHours()) {
                streams.save(index.withRetentionHours(indexHours));
                if (index.status() != StreamStatus.DELETING) {
                    streams.setRetention(index, indexHours);
                }
            }
        });
        return save(stream.withRetention(newVersion, hours));
    }

    /** Deletes a video stream and its index; the sweeper deletes its fragments. Control thread only. */
    public void delete(VideoStream stream) {
        ControlThread.await(metadata.removeDocument(KIND, stream.name()));
        streams.find(stream.indexStream()).filter(s -> s.status() != StreamStatus.DELETING)
                .ifPresent(s -> streams.save(s.withStatus(StreamStatus.DELETING, System.currentTimeMillis())));
    }

    /** The oldest server timestamp a fragment of this stream may have and still be read. */
    public static long oldestKept(VideoStream stream, long now) {
        long keep = stream.dataRetentionInHours() == 0 ? LIVE_ONLY_RETENTION_MS
                : TimeUnit.HOURS.toMillis(stream.dataRetentionInHours());
        return now - keep;
    }

    private static VideoStream read(byte[] json) {
        try {
            return JSON.readValue(json, VideoStream.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void sweepLogged() {
        try {
            sweep(System.currentTimeMillis());
        } catch (RuntimeException e) {
            LOG.warn("could not delete expired video fragments; trying again at the next sweep", e);
        }
    }

    /**
     * Deletes the objects of fragments older than their stream's retention, and of streams that are gone. Object
     * keys start with the stream's name, its creation time and the fragment's server timestamp.
     */
    void sweep(long now) {
        if (!store.bucketExists(BUCKET)) {
            return;
        }
        Map<String, VideoStream> live = new java.util.HashMap<>();
        for (VideoStream s : all()) {
            live.put(s.objectPrefix(), s);
        }
        int deleted = 0;
        for (String key : store.keys(BUCKET, "")) {
            int fragmentStart = key.lastIndexOf('/') + 1;
            VideoStream owner = live.get(key.substring(0, fragmentStart));
            // A stream made after the listing of streams began is not in it: its first fragments are spared a while.
            if (owner == null ? FragmentStore.serverTimestampOf(key) < now - ORPHAN_GRACE_MS : expired(owner, key, now)) {
                store.delete(BUCKET, key);
                deleted++;
            }
        }
        if (deleted > 0) {
            LOG.info("deleted {} video fragments past their retention or of deleted streams", deleted);
        }
    }

    /** Deletes the objects of one stream's fragments older than its retention. */
    void sweep(VideoStream stream, long now) {
        for (String key : store.keys(BUCKET, stream.objectPrefix())) {
            if (expired(stream, key, now)) {
                store.delete(BUCKET, key);
            }
        }
    }

    private static boolean expired(VideoStream owner, String key, long now) {
        return FragmentStore.serverTimestampOf(key) < oldestKept(owner, now);
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
