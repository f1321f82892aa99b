package io.runnel.connectors.source.reader;

import io.runnel.connectors.source.enumerator.ShardClosedEvent;
import io.runnel.connectors.source.enumerator.ShardFinishedEvent;
import io.runnel.connectors.source.split.RunnelShardSplit;
import io.runnel.connectors.source.split.RunnelShardSplitState;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.Map;

/** Reads its shards and tells the enumerator each time one is read to its end. */
public final class RunnelSourceReader<T>
        extends SingleThreadMultiplexSourceReaderBase<ConsumerRecord<byte[], byte[]>, T, RunnelShardSplit, RunnelShardSplitState> {

    private final Map<Integer, Long> closedEnds;

    public RunnelSourceReader(String bootstrapServers, Map<Integer, Long> closedEnds, RunnelRecordEmitter<T> emitter,
                              Configuration config, SourceReaderContext context) {
        super(() -> new RunnelShardSplitReader(bootstrapServers, closedEnds), emitter, config, context);
        this.closedEnds = closedEnds;
    }

    @Override
    protected void onSplitFinished(Map<String, RunnelShardSplitState> finished) {
        finished.values().forEach(state ->
                context.sendSourceEventToCoordinator(new ShardFinishedEvent(state.toSplit().shardIndex())));
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
        return new RunnelShardSplitState(split);
    }

    @Override
    protected RunnelShardSplit toSplitType(String splitId, RunnelShardSplitState state) {
        return state.toSplit();
    }
}
