package io.runnel.connectors.source.enumerator;

import io.runnel.connectors.source.RunnelSourceOptions;
import io.runnel.connectors.source.StartingPosition;
import io.runnel.connectors.source.split.RunnelShardSplit;
import io.runnel.core.MetadataLog;
import io.runnel.core.SequenceNumber;
import io.runnel.core.Shard;
import io.runnel.core.StreamMetadata;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.util.FlinkRuntimeException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Finds the stream's shards in the metadata topic and hands them to readers, a child only once every
 * parent has been read to its end, so that each partition key's records reach the job in the order they
 * were put, across splits and merges.
 *
 * <p>A child goes to the reader that read its parent, so its records follow the parent's on the same
 * channel. A child of two parents read by different readers (a merge) also waits for the next completed
 * checkpoint: by then every record the other reader emitted from its parent has been processed downstream
 * (with aligned checkpoints). A bounded job, which usually runs without checkpoints, knows every shard it
 * will read from the start, so it reads each lineage (shards related by splits and merges) on one reader
 * instead, giving up some parallelism for order. An unbounded job without checkpointing assigns a merged
 * child as soon as its parents end.
 */
public final class RunnelShardEnumerator implements SplitEnumerator<RunnelShardSplit, RunnelEnumeratorState> {

    private final SplitEnumeratorContext<RunnelShardSplit> context;
    private final RunnelSourceOptions options;
    private final Set<Integer> finished;
    private final Set<Integer> assigned;
    private final Map<Integer, RunnelShardSplit> pending = new LinkedHashMap<>();
    /** The reader that read (or, for an empty shard, inherited) each shard; not checkpointed. */
    private final Map<Integer, Integer> owner = new HashMap<>();
    /** Merge children waiting for a checkpoint to complete, by shard index. */
    private final Map<Integer, Waiting> awaitingCheckpoint = new LinkedHashMap<>();
    private boolean checkpointing;
    /** The stream as last seen, for the lineages a bounded job reads each on one reader. */
    private StreamMetadata lastSeen;
    /** Where the shards that existed at the job's start begin, and (bounded) end; null until first seen. */
    private Map<Integer, long[]> initialRanges;
    /** Opened on the worker thread, read on the coordinator's too. */
    private volatile MetadataLog metadata;
    private volatile Admin admin;

    public RunnelShardEnumerator(SplitEnumeratorContext<RunnelShardSplit> context, RunnelSourceOptions options,
                                 RunnelEnumeratorState restored) {
        this.context = context;
        this.options = options;
        this.finished = restored == null ? new HashSet<>() : new HashSet<>(restored.finished());
        this.assigned = restored == null ? new HashSet<>() : new HashSet<>(restored.assigned());
        if (restored != null) {
            restored.pending().forEach(s -> pending.put(s.shardIndex(), s));
            // A checkpoint taken before the first look at the stream has no ranges: that look takes them, from the
            // starting position, as it would have (not from each shard's start).
            this.initialRanges = restored.initialRanges().isEmpty() ? null : new HashMap<>(restored.initialRanges());
        }
    }

    @Override
    public void start() {
        context.callAsync(this::openAndDescribe, this::plan);
        context.callAsync(this::describe, this::plan, options.discoveryInterval().toMillis(), options.discoveryInterval().toMillis());
    }

    /** What one look at the stream found: its metadata, and the first time, where its shards start. */
    private record Discovery(StreamMetadata stream, Map<Integer, long[]> initialRanges) {
    }

    private Discovery openAndDescribe() throws Exception {
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers()));
        metadata = new MetadataLog(options.bootstrapServers(), options.metadataTopic());
        metadata.startReading(Duration.ofSeconds(60));
        StreamMetadata stream = metadata.get(options.stream()).orElseThrow(() -> new FlinkRuntimeException(
                "Runnel stream '" + options.stream() + "' does not exist (looked in metadata topic '" + options.metadataTopic()
                        + "' of Kafka at " + options.bootstrapServers() + "); check the source's 'stream' option"));
        return new Discovery(stream, initialRanges == null ? initialRanges(stream) : null);
    }

    private Discovery describe() {
        if (metadata == null) {
            return null;
        }
        return metadata.get(options.stream()).map(s -> new Discovery(s, null)).orElse(null);
    }

    /** Start and stop offsets of the shards that exist now, for the configured starting position. */
    private Map<Integer, long[]> initialRanges(StreamMetadata stream) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> byTime = new HashMap<>();
        for (Shard s : stream.shards()) {
            TopicPartition tp = new TopicPartition(stream.topic(), s.index());
            latest.put(tp, OffsetSpec.latest());
            byTime.put(tp, OffsetSpec.forTimestamp(options.startingPosition().timestamp()));
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get(60, TimeUnit.SECONDS);
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> atTime =
                options.startingPosition().type() == StartingPosition.Type.AT_TIMESTAMP
                        ? admin.listOffsets(byTime).all().get(60, TimeUnit.SECONDS) : Map.of();
        Map<Integer, long[]> ranges = new HashMap<>();
        for (Shard s : stream.shards()) {
            TopicPartition tp = new TopicPartition(stream.topic(), s.index());
            long end = s.ended() ? s.endOffset() : ends.get(tp).offset();
            long start = switch (options.startingPosition().type()) {
                case TRIM_HORIZON -> 0;
                case LATEST -> end;
                case AT_TIMESTAMP -> atTime.get(tp).offset() < 0 ? end : Math.min(atTime.get(tp).offset(), end);
                case AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER -> Math.min(offsetOf(s), end);
            };
            ranges.put(s.index(), new long[] {start, end});
        }
        return ranges;
    }

    /** The offset a shard starts at by AT/AFTER_SEQUENCE_NUMBER; a shard with no sequence number starts at 0. */
    private long offsetOf(Shard shard) {
        String sequenceNumber = options.startingPosition().sequenceNumbers().get(shard.shardId());
        if (sequenceNumber == null) {
            return 0;
        }
        SequenceNumber.Position position = SequenceNumber.decode(sequenceNumber);
        if (position == null || !position.of(shard)) {
            throw new FlinkRuntimeException("Starting sequence number " + sequenceNumber + " given for " + shard.shardId()
                    + " of stream '" + options.stream() + "' is not one of that shard's sequence numbers");
        }
        boolean after = options.startingPosition().type() == StartingPosition.Type.AFTER_SEQUENCE_NUMBER;
        return after ? position.afterOffset() : position.atOffset();
    }

    private void plan(Discovery discovery, Throwable error) {
        if (error != null) {
            throw new FlinkRuntimeException("Runnel source of stream '" + options.stream() + "' cannot read its shards: "
                    + error.getMessage(), error);
        }
        if (discovery == null) {
            return;
        }
        if (discovery.initialRanges() != null && initialRanges == null) {
            initialRanges = discovery.initialRanges();
        }
        plan(discovery.stream());
    }

    private void plan(StreamMetadata stream) {
        lastSeen = stream;
        for (Shard s : stream.shards()) {
            int i = s.index();
            if (assigned.contains(i) && s.ended()) {
                tellReaders(new ShardClosedEvent(i, s.endOffset()));
            }
            if (finished.contains(i) || assigned.contains(i) || pending.containsKey(i) || awaitingCheckpoint.containsKey(i)
                    || !parentsFinished(stream, s)) {
                continue;
            }
            inheritOwner(stream, s);
            long[] initial = initialRanges.get(i);
            if (options.bounded() && initial == null) {
                continue; // created after a bounded job started: not part of what it reads
            }
            long start = initial != null ? initial[0] : 0;
            Long stop = options.bounded() ? Long.valueOf(initial[1]) : s.endOffset();
            if (stop != null && start >= stop) {
                finished.add(i);
                continue;
            }
            RunnelShardSplit split = new RunnelShardSplit(stream.topic(), i, s.createdAt(), start, stop);
            if (checkpointing && parentsReadApart(stream, s)) {
                awaitingCheckpoint.put(i, new Waiting(split, -1));
            } else {
                pending.put(i, split);
            }
        }
        assignPending();
        if (options.bounded() && pending.isEmpty() && assigned.isEmpty()) {
            context.registeredReaders().keySet().forEach(context::signalNoMoreSplits);
        }
    }

    /** A split held back until {@code checkpointId} completes; -1 until the next checkpoint is taken. */
    private record Waiting(RunnelShardSplit split, long checkpointId) {
    }

    /** A shard is read where its parent was read; an empty one passes that reader on to its children. */
    private void inheritOwner(StreamMetadata stream, Shard s) {
        Shard parent = s.parentShardId() == null ? null : stream.shard(s.parentShardId());
        if (parent != null && owner.containsKey(parent.index())) {
            owner.putIfAbsent(s.index(), owner.get(parent.index()));
        }
    }

    private boolean parentsReadApart(StreamMetadata stream, Shard s) {
        if (s.adjacentParentShardId() == null) {
            return false;
        }
        Integer first = owner.get(stream.shard(s.parentShardId()).index());
        Integer second = owner.get(stream.shard(s.adjacentParentShardId()).index());
        return first == null || !first.equals(second);
    }

    private boolean parentsFinished(StreamMetadata stream, Shard s) {
        for (String parent : new String[] {s.parentShardId(), s.adjacentParentShardId()}) {
            Shard p = parent == null ? null : stream.shard(parent);
            if (p != null && !finished.contains(p.index())) {
                return false;
            }
        }
        return true;
    }

    /**
     * A shard goes to its parent's reader; otherwise to reader r modulo the parallelism, as Flink's Kafka
     * source spreads partitions, where r is the shard's index or, in a bounded job, the lowest index of its
     * lineage. A split whose reader has not registered yet waits for it.
     */
    private void assignPending() {
        Map<Integer, ?> readers = context.registeredReaders();
        int parallelism = context.currentParallelism();
        Map<Integer, Integer> lineageRoots = options.bounded() ? lineageRoots() : Map.of();
        for (RunnelShardSplit split : new ArrayList<>(pending.values())) {
            Integer previous = owner.get(split.shardIndex());
            int reader = previous != null && previous < parallelism ? previous
                    : lineageRoots.getOrDefault(split.shardIndex(), split.shardIndex()) % parallelism;
            if (!readers.containsKey(reader)) {
                continue;
            }
            context.assignSplit(split, reader);
            owner.put(split.shardIndex(), reader);
            pending.remove(split.shardIndex());
            assigned.add(split.shardIndex());
        }
    }

    /** For each shard, the lowest index among the shards it is related to by splits and merges. */
    private Map<Integer, Integer> lineageRoots() {
        Map<Integer, Integer> root = new HashMap<>();
        if (lastSeen == null) {
            return root;
        }
        for (Shard s : lastSeen.shards()) {
            root.put(s.index(), s.index());
        }
        for (Shard s : lastSeen.shards()) {
            for (String parent : new String[] {s.parentShardId(), s.adjacentParentShardId()}) {
                Shard p = parent == null ? null : lastSeen.shard(parent);
                if (p != null) {
                    join(root, s.index(), p.index());
                }
            }
        }
        Map<Integer, Integer> lowest = new HashMap<>();
        root.keySet().forEach(shard -> lowest.put(shard, find(root, shard)));
        return lowest;
    }

    private static int find(Map<Integer, Integer> root, int shard) {
        int r = shard;
        while (root.get(r) != r) {
            r = root.get(r);
        }
        return r;
    }

    private static void join(Map<Integer, Integer> root, int a, int b) {
        int ra = find(root, a);
        int rb = find(root, b);
        root.put(Math.max(ra, rb), Math.min(ra, rb));
    }

    private void tellReaders(SourceEvent event) {
        context.registeredReaders().keySet().forEach(reader -> context.sendEventToSourceReader(reader, event));
    }

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {
        // Splits are pushed as shards become readable; readers do not ask.
    }

    @Override
    public void addSplitsBack(List<RunnelShardSplit> splits, int subtaskId) {
        for (RunnelShardSplit split : splits) {
            assigned.remove(split.shardIndex());
            pending.put(split.shardIndex(), split);
        }
        assignPending();
    }

    @Override
    public void addReader(int subtaskId) {
        assignPending();
        if (metadata != null && initialRanges != null) {
            metadata.get(options.stream()).ifPresent(this::plan);
        }
    }

    @Override
    public void handleSourceEvent(int subtaskId, SourceEvent event) {
        if (event instanceof ShardFinishedEvent done) {
            assigned.remove(done.shardIndex());
            finished.add(done.shardIndex());
            if (metadata != null && initialRanges != null) {
                metadata.get(options.stream()).ifPresent(this::plan);
            }
        }
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        awaitingCheckpoint.values().removeIf(w -> {
            boolean released = w.checkpointId() >= 0 && w.checkpointId() <= checkpointId;
            if (released) {
                pending.put(w.split().shardIndex(), w.split());
            }
            return released;
        });
        assignPending();
    }

    @Override
    public RunnelEnumeratorState snapshotState(long checkpointId) {
        checkpointing = true;
        awaitingCheckpoint.replaceAll((shard, w) -> w.checkpointId() < 0 ? new Waiting(w.split(), checkpointId) : w);
        List<RunnelShardSplit> unassigned = new ArrayList<>(pending.values());
        awaitingCheckpoint.values().forEach(w -> unassigned.add(w.split()));
        return new RunnelEnumeratorState(new HashSet<>(finished), new HashSet<>(assigned), unassigned,
                initialRanges == null ? Map.of() : new HashMap<>(initialRanges));
    }

    @Override
    public void close() {
        if (metadata != null) {
            metadata.close();
        }
        if (admin != null) {
            admin.close();
        }
    }
}
