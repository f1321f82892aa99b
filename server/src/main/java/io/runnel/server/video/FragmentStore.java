package io.runnel.server.video;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.runnel.core.SequenceNumber;
import io.runnel.core.Shard;
import io.runnel.core.StreamMetadata;
import io.runnel.server.DaemonThreads;
import io.runnel.server.metrics.RunnelMetrics;
import io.runnel.server.streams.RecordWriter;
import io.runnel.server.streams.ShardReader;
import io.runnel.video.index.FragmentEntry;
import io.runnel.video.mkv.Fragment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Stores fragments and finds them again. A fragment is first an object (a Matroska file that plays alone), then a
 * record in its stream's index; the record's sequence number is the fragment number. A fragment counts as persisted
 * once both are written, so an index record always names an object that exists (until retention removes both).
 * Object calls block: they run on this store's own threads, never on an event loop.
 */
public final class FragmentStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FragmentStore.class);
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final int READ_RECORDS = 10_000;
    private static final int READ_BYTES = 8 * 1024 * 1024;
    private static final int TIMESTAMP_DIGITS = 13;

    /** A fragment found in the index: its number and what the index says of it. */
    public record Stored(String fragmentNumber, FragmentEntry entry) {
    }

    /** Where reading an index left off: the next offset of each of its shards. */
    public record Position(Map<Integer, Long> next) {
        public static final Position START = new Position(Map.of());
    }

    /** Fragments read from an index, in the order they were stored, and where the next read starts. */
    public record Read(List<Stored> fragments, Position position) {
    }

    /** The order of fragments: as the server received them. */
    private static final Comparator<Stored> ORDER = Comparator.comparingLong((Stored s) -> s.entry().serverTimestamp())
            .thenComparing(s -> SequenceNumber.decode(s.fragmentNumber()).atOffset());

    private final VideoStreams videoStreams;
    private final RecordWriter writer;
    private final ShardReader reader;
    private final ExecutorService io;
    /** Repackaging and decoding (HLS, GetClip, GetImages) run here, so that they never hold up storing fragments. */
    private final ExecutorService media;
    private volatile boolean bucketReady;
    private final RunnelMetrics metrics;

    public FragmentStore(VideoStreams videoStreams, RecordWriter writer, ShardReader reader, RunnelMetrics metrics) {
        this.videoStreams = videoStreams;
        this.metrics = metrics;
        this.writer = writer;
        this.reader = reader;
        this.io = Executors.newFixedThreadPool(4, DaemonThreads.named("runnel-video-io"));
        this.media = Executors.newFixedThreadPool(2, DaemonThreads.named("runnel-video-media"));
    }

    /** The key of a fragment's object: its stream's prefix, then its server timestamp, which the sweeper reads. */
    static String objectKey(VideoStream stream, long serverTimestamp) {
        return stream.objectPrefix() + String.format("%0" + TIMESTAMP_DIGITS + "d", serverTimestamp) + "-" + UUID.randomUUID() + ".mkv";
    }

    /** The server timestamp in a fragment's object key; a key Runnel did not make is never taken for an old one. */
    static long serverTimestampOf(String key) {
        int at = key.lastIndexOf('/') + 1;
        // <server time>-<uuid>.mkv: what else shares the bucket (the analysis' thumbnails) is not a fragment.
        if (!key.endsWith(".mkv") || key.length() <= at + TIMESTAMP_DIGITS || key.charAt(at + TIMESTAMP_DIGITS) != '-') {
            return Long.MAX_VALUE;
        }
        try {
            return Long.parseLong(key.substring(at, at + TIMESTAMP_DIGITS));
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * Persists a fragment: its object, then its index record.
     *
     * @return the stored fragment, with its number
     */
    public CompletableFuture<Stored> store(VideoStream stream, Fragment fragment, long producerTimestamp, long serverTimestamp) {
        String key = objectKey(stream, serverTimestamp);
        FragmentEntry entry = new FragmentEntry(stream.name(), fragment.timecode(), producerTimestamp, serverTimestamp,
                fragment.durationMillis(), fragment.size(), fragment.header().length, VideoStreams.BUCKET, key);
        return CompletableFuture.runAsync(() -> {
            if (!bucketReady) {
                videoStreams.store().ensureBucket(VideoStreams.BUCKET);
                bucketReady = true;
            }
            videoStreams.store().upload(VideoStreams.BUCKET, key, fragment.bytes());
        }, io).thenCompose(v -> videoStreams.streams().withOpenShards(stream.indexStream(), index -> {
            if (index == null) {
                throw new IllegalStateException("the fragment index " + stream.indexStream() + " of video stream " + stream.name() + " is gone");
            }
            byte[] json;
            try {
                json = JSON.writeValueAsBytes(entry);
            } catch (IOException e) {
                throw new CompletionException(e);
            }
            byte[] partitionKey = stream.name().getBytes(StandardCharsets.UTF_8);
            return writer.put(index, List.of(RecordWriter.Entry.keyed(partitionKey, json)));
        })).thenApply(results -> {
            RecordWriter.Result result = results.get(0);
            if (result.failed()) {
                throw new IllegalStateException("the fragment index did not take the fragment: " + result.errorMessage());
            }
            metrics.fragment(stream.name(), fragment.size());
            return new Stored(SequenceNumber.compact(result.shardIndex(), result.offset()), entry);
        });
    }

    /** Reads a stream's index from a position on, keeping what is still retained, in stored order. */
    public CompletableFuture<Read> read(VideoStream stream, Position from) {
        Optional<StreamMetadata> index = videoStreams.index(stream);
        if (index.isEmpty()) {
            return CompletableFuture.completedFuture(new Read(List.of(), from));
        }
        List<Stored> found = java.util.Collections.synchronizedList(new ArrayList<>());
        Map<Integer, Long> next = new java.util.concurrent.ConcurrentHashMap<>();
        List<CompletableFuture<Void>> shards = new ArrayList<>();
        for (Shard shard : index.get().shards()) {
            long offset = from.next().getOrDefault(shard.index(), 0L);
            shards.add(readShard(index.get().topic(), shard.index(), offset, found, next));
        }
        long oldest = VideoStreams.oldestKept(stream, System.currentTimeMillis());
        return CompletableFuture.allOf(shards.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<Stored> kept = new ArrayList<>();
            for (Stored s : found) {
                if (s.entry().key().startsWith(stream.objectPrefix()) && s.entry().serverTimestamp() >= oldest) {
                    kept.add(s);
                }
            }
            kept.sort(ORDER);
            return new Read(kept, new Position(Map.copyOf(next)));
        });
    }

    private CompletableFuture<Void> readShard(String topic, int shard, long offset, List<Stored> found, Map<Integer, Long> next) {
        return reader.read(topic, shard, offset, null, READ_RECORDS, READ_BYTES).thenCompose(batch -> {
            for (ConsumerRecord<byte[], byte[]> r : batch.records()) {
                parse(shard, r).ifPresent(found::add);
            }
            next.put(shard, batch.nextOffset());
            if (batch.records().isEmpty() || batch.nextOffset() >= batch.latestOffset()) {
                return CompletableFuture.completedFuture(null);
            }
            return readShard(topic, shard, batch.nextOffset(), found, next);
        });
    }

    /** The fragment of this number, if the stream still has it. */
    public CompletableFuture<Optional<Stored>> find(VideoStream stream, String fragmentNumber) {
        SequenceNumber.Position at = SequenceNumber.decode(fragmentNumber);
        Optional<StreamMetadata> index = videoStreams.index(stream);
        if (at == null || index.isEmpty() || at.shardIndex() >= index.get().shards().size()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        long oldest = VideoStreams.oldestKept(stream, System.currentTimeMillis());
        return reader.read(index.get().topic(), at.shardIndex(), at.atOffset(), null, 1, READ_BYTES).thenApply(batch -> batch.records().stream()
                .filter(r -> r.offset() == at.atOffset()).findFirst().flatMap(r -> parse(at.shardIndex(), r))
                .filter(s -> s.entry().key().startsWith(stream.objectPrefix()) && s.entry().serverTimestamp() >= oldest));
    }

    /** A stored fragment's bytes: a Matroska file that plays alone. */
    public CompletableFuture<byte[]> bytes(Stored fragment) {
        return CompletableFuture.supplyAsync(() -> videoStreams.store().get(fragment.entry().bucket(), fragment.entry().key()), io);
    }

    /** Runs FFmpeg's repackaging or decoding off the event loops, apart from storing. */
    public <T> CompletableFuture<T> onMedia(java.util.function.Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, media);
    }

    /** The bytes of several fragments, in order. */
    public CompletableFuture<List<byte[]>> bytes(List<Stored> fragments) {
        List<CompletableFuture<byte[]>> all = fragments.stream().map(this::bytes).toList();
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                .thenApply(v -> all.stream().map(CompletableFuture::join).toList());
    }

    private static Optional<Stored> parse(int shard, ConsumerRecord<byte[], byte[]> r) {
        try {
            return Optional.of(new Stored(SequenceNumber.compact(shard, r.offset()), JSON.readValue(r.value(), FragmentEntry.class)));
        } catch (IOException | RuntimeException e) {
            LOG.warn("skipping index record {}@{} that is no fragment: {}", shard, r.offset(), e.toString());
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        io.shutdownNow();
        media.shutdownNow();
    }
}
