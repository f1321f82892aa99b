package io.runnel.connectors.sink;

import io.runnel.core.MetadataLog;
import io.runnel.core.Shard;
import io.runnel.core.StreamMetadata;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.connector.kafka.sink.KafkaCommittable;
import org.apache.flink.connector.kafka.sink.KafkaWriterState;
import org.apache.flink.connector.kafka.sink.TwoPhaseCommittingStatefulSink.PrecommittingStatefulSinkWriter;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes through Flink's Kafka writer, and on every flush (each checkpoint, and the end of input) makes
 * sure no record it wrote landed in a shard past the end the server recorded for it.
 *
 * <p>The sink writes to Kafka directly, so a shard can stop taking records while records routed to it are
 * still on their way. The server gives writers the stream's update delay to notice before it records a
 * closing shard's end. If a record still arrived later, readers would never see it; the writer then fails
 * before the checkpoint completes, and the job writes the record again from its last checkpoint, this time
 * to the shard's children (with EXACTLY_ONCE, the late copy's transaction is aborted as well).
 */
final class RunnelSinkWriter<T> implements PrecommittingStatefulSinkWriter<T, KafkaWriterState, KafkaCommittable> {

    private static final long CLOSING_TIMEOUT_NANOS = TimeUnit.MINUTES.toNanos(2);

    private final PrecommittingStatefulSinkWriter<T, KafkaWriterState, KafkaCommittable> kafka;
    private final MetadataLog metadata;
    private final String stream;
    private final AcknowledgedOffsets acknowledged;
    private final boolean checkEnds;

    RunnelSinkWriter(PrecommittingStatefulSinkWriter<T, KafkaWriterState, KafkaCommittable> kafka, MetadataLog metadata,
                     String stream, AcknowledgedOffsets acknowledged, boolean checkEnds) {
        this.kafka = kafka;
        this.metadata = metadata;
        this.stream = stream;
        this.acknowledged = acknowledged;
        this.checkEnds = checkEnds;
    }

    @Override
    public void write(T element, Context context) throws IOException, InterruptedException {
        kafka.write(element, context);
    }

    @Override
    public void writeWatermark(Watermark watermark) throws IOException, InterruptedException {
        kafka.writeWatermark(watermark);
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        kafka.flush(endOfInput);
        if (checkEnds) {
            checkWrittenBeforeEnds(acknowledged.drain());
        }
    }

    /**
     * A shard still open once this writer has caught up with the metadata was open when its records were
     * acknowledged, and its end will lie past them. A closing shard is waited for until its end is known.
     */
    private void checkWrittenBeforeEnds(Map<Integer, Long> highest) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + CLOSING_TIMEOUT_NANOS;
        while (!highest.isEmpty()) {
            try {
                metadata.catchUp().get(60, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new IOException("cannot read the metadata of stream '" + stream + "' to check where its shards end", e);
            }
            StreamMetadata now = metadata.get(stream).orElseThrow(() -> new IOException(
                    "stream '" + stream + "' was deleted while the sink wrote to it"));
            boolean waiting = false;
            for (var it = highest.entrySet().iterator(); it.hasNext(); ) {
                var written = it.next();
                Shard shard = now.shard(written.getKey());
                if (shard.closing()) {
                    waiting = true;
                } else {
                    if (shard.ended() && written.getValue() >= shard.endOffset()) {
                        throw new IOException("records reached " + shard.shardId() + " of stream '" + stream
                                + "' after it ended at sequence number " + shard.endingSequenceNumber() + " (the last "
                                + "one was " + shard.sequenceNumber(written.getValue(), System.currentTimeMillis()) + "); failing so "
                                + "the job writes them again, to the shard's children, from its last checkpoint");
                    }
                    it.remove();
                }
            }
            if (waiting) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("shards " + highest.keySet() + " of stream '" + stream + "' have been closing "
                            + "for over two minutes; is a Runnel server running for this Kafka cluster?");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
        }
    }

    @Override
    public Collection<KafkaCommittable> prepareCommit() throws IOException, InterruptedException {
        return kafka.prepareCommit();
    }

    @Override
    public List<KafkaWriterState> snapshotState(long checkpointId) throws IOException {
        return kafka.snapshotState(checkpointId);
    }

    @Override
    public void close() throws Exception {
        try {
            kafka.close();
        } finally {
            metadata.close();
        }
    }
}
