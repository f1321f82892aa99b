package io.runnel.connectors.source.reader;

import io.runnel.connectors.source.split.RunnelShardSplit;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the shards assigned to one reader with one Kafka consumer, each from its offset up to its end:
 * the end a closed shard had when it was assigned, or the end the enumerator reports when resharding
 * closes it later ({@code closedEnds}).
 */
public final class RunnelShardSplitReader implements SplitReader<ConsumerRecord<byte[], byte[]>, RunnelShardSplit> {

    private static final Duration POLL = Duration.ofMillis(100);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<Integer, Long> closedEnds;
    private final Map<Integer, Long> lag;
    private final Map<TopicPartition, RunnelShardSplit> splits = new HashMap<>();

    /**
     * @param closedEnds where shards closed by resharding end, as the enumerator reports them
     * @param lag        filled in here: how many records each shard's reading is behind its end
     */
    public RunnelShardSplitReader(String bootstrapServers, Map<Integer, Long> closedEnds, Map<Integer, Long> lag) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // Records that retention removed are gone: carry on from the oldest one left.
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "runnel-source-" + Integer.toHexString(System.identityHashCode(this)));
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.closedEnds = closedEnds;
        this.lag = lag;
    }

    @Override
    public RecordsWithSplitIds<ConsumerRecord<byte[], byte[]>> fetch() {
        Map<String, Collection<ConsumerRecord<byte[], byte[]>>> bySplit = new HashMap<>();
        Set<String> done = new HashSet<>(finishedSplits());
        if (splits.size() > done.size()) {
            ConsumerRecords<byte[], byte[]> polled;
            try {
                polled = consumer.poll(POLL);
            } catch (WakeupException e) {
                polled = ConsumerRecords.empty();
            }
            for (TopicPartition tp : polled.partitions()) {
                RunnelShardSplit split = splits.get(tp);
                Long stop = stop(split);
                List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> r : polled.records(tp)) {
                    if (stop != null && r.offset() >= stop) {
                        break;
                    }
                    records.add(r);
                }
                if (!records.isEmpty()) {
                    bySplit.put(split.splitId(), records);
                }
            }
            done.addAll(finishedSplits());
            for (TopicPartition tp : splits.keySet()) {
                consumer.currentLag(tp).ifPresent(behind -> lag.put(tp.partition(), behind));
            }
        }
        if (!done.isEmpty()) {
            forget(done);
        }
        return new RecordsBySplits<>(bySplit, done);
    }

    private Long stop(RunnelShardSplit split) {
        return split.stoppingOffset() != null ? split.stoppingOffset() : closedEnds.get(split.shardIndex());
    }

    /** Splits whose reading position has reached their end. */
    private Set<String> finishedSplits() {
        Set<String> done = new HashSet<>();
        for (Map.Entry<TopicPartition, RunnelShardSplit> e : splits.entrySet()) {
            Long stop = stop(e.getValue());
            if (stop != null && consumer.position(e.getKey()) >= stop) {
                done.add(e.getValue().splitId());
            }
        }
        return done;
    }

    private void forget(Set<String> splitIds) {
        Iterator<Map.Entry<TopicPartition, RunnelShardSplit>> it = splits.entrySet().iterator();
        while (it.hasNext()) {
            if (splitIds.contains(it.next().getValue().splitId())) {
                it.remove();
            }
        }
        consumer.assign(splits.keySet());
    }

    @Override
    public void handleSplitsChanges(SplitsChange<RunnelShardSplit> change) {
        if (!(change instanceof SplitsAddition)) {
            throw new UnsupportedOperationException("Runnel shards are only ever added to a reader, not " + change);
        }
        for (RunnelShardSplit split : change.splits()) {
            splits.put(new TopicPartition(split.topic(), split.shardIndex()), split);
        }
        consumer.assign(splits.keySet());
        for (RunnelShardSplit split : change.splits()) {
            consumer.seek(new TopicPartition(split.topic(), split.shardIndex()), split.startingOffset());
        }
    }

    @Override
    public void wakeUp() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
