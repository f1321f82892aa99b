package io.runnel.connectors.source.reader;

import io.runnel.connectors.source.enumerator.ShardClosedEvent;
import io.runnel.connectors.source.enumerator.ShardFinishedEvent;
import io.runnel.connectors.source.split.RunnelShardSplit;
import io.runnel.connectors.source.split.RunnelShardSplitState;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Reads its shards and tells the enumerator each time one is read to its end. */
public final class RunnelSourceReader<T>
        extends SingleThreadMultiplexSourceReaderBase<ConsumerRecord<byte[], byte[]>, T, RunnelShardSplit, RunnelShardSplitState> {

    private final Map<Integer, Long> closedEnds;
    private final Map<Integer, Long> lag;
    private final Counter finishedShards;

    public RunnelSourceReader(String bootstrapServers, RunnelRecordEmitter<T> emitter, Configuration config,
                              SourceReaderContext context) {
        this(bootstrapServers, new ConcurrentHashMap<>(), new ConcurrentHashMap<>(), emitter, config, context);
    }

    private RunnelSourceReader(String bootstrapServers, Map<Integer, Long> closedEnds, Map<Integer, Long> lag,
                               RunnelRecordEmitter<T> emitter, Configuration config, SourceReaderContext context) {
        super(() -> new RunnelShardSplitReader(bootstrapServers, closedEnds, lag), emitter, config, context);
        this.closedEnds = closedEnds;
        this.lag = lag;
        MetricGroup metrics = context.metricGroup();
        metrics.gauge("assignedShards", this::getNumberOfCurrentlyAssignedSplits);
        this.finishedShards = metrics.counter("finishedShards");
    }

    @Override
    protected void onSplitFinished(Map<String, RunnelShardSplitState> finished) {
        finished.values().forEach(state -> {
            finishedShards.inc();
            context.sendSourceEventToCoordinator(new ShardFinishedEvent(state.toSplit().shardIndex()));
        });
    }

    @Override
    public void handleSourceEvents(SourceEvent event) {
        if (event instanceof ShardClosedEvent closed) {
            closedEnds.put(closed.shardIndex(), closed.endOffset());
        } else {
            super.handleSourceEvents(event);
        }
    }

    @Override
    protected RunnelShardSplitState initializedState(RunnelShardSplit split) {
        MetricGroup shard = context.metricGroup().addGroup("shardId", split.splitId());
        RunnelShardSplitState state = new RunnelShardSplitState(split, shard.counter("recordsIn"), shard.counter("bytesIn"));
        // As Kinesis reports it: zero when caught up, else how long ago the last record read arrived.
        shard.gauge("millisBehindLatest", () -> {
            Long behind = lag.get(split.shardIndex());
            if (behind != null && behind == 0) {
                return 0L;
            }
            return state.lastArrival() == 0 ? -1L : System.currentTimeMillis() - state.lastArrival();
        });
        return state;
    }

    @Override
    protected RunnelShardSplit toSplitType(String splitId, RunnelShardSplitState state) {
        return state.toSplit();
    }
}
