package io.runnel.connectors.source.enumerator;

import io.runnel.connectors.ConnectorTestBase;
import io.runnel.connectors.TestStreams;
import io.runnel.connectors.source.RunnelSource;
import io.runnel.connectors.source.StartingPosition;
import io.runnel.connectors.source.split.RunnelShardSplit;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.api.connector.source.mocks.MockSplitEnumeratorContext;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Which reader reads which shard: the enumerator alone, driven by Flink's test context, on a real stream. */
class RunnelShardEnumeratorTest extends ConnectorTestBase {

    @Test
    void aBoundedJobReadsTheParentsOfAMergeWhereItReadsTheirChild() throws Throwable {
        String stream = "enumerator-lineage";
        TestStreams.create(kinesis, stream, 3);
        // Empty shards are never handed out: give each one records.
        TestStreams.put(kinesis, stream, 20, 100, new HashMap<>());
        kinesis.splitShard(b -> b.streamName(stream).shardToSplit("shardId-000000000000")
                .newStartingHashKey(BigInteger.TWO.pow(126).toString()));       // shards 3 and 4
        TestStreams.awaitActive(kinesis, stream);
        kinesis.mergeShards(b -> b.streamName(stream).shardToMerge("shardId-000000000001")
                .adjacentShardToMerge("shardId-000000000002"));                // shard 5
        TestStreams.awaitActive(kinesis, stream);
        TestStreams.put(kinesis, stream, 20, 100, new HashMap<>());

        RunnelSource<String> source = RunnelSource.<String>builder().bootstrapServers(TestStreams.bootstrap()).stream(stream)
                .deserializer(new TestStreams.KeyAndNumber()).bounded().build();
        try (MockSplitEnumeratorContext<RunnelShardSplit> context = new MockSplitEnumeratorContext<>(2);
             SplitEnumerator<RunnelShardSplit, RunnelEnumeratorState> enumerator = source.createEnumerator(context)) {
            context.registerReader(new ReaderInfo(0, "localhost"));
            context.registerReader(new ReaderInfo(1, "localhost"));
            enumerator.start();
            context.runNextOneTimeCallable();
            // Shards 1 and 2 land on different readers by index alone; as one lineage they share one.
            assertThat(readers(context)).isEqualTo(Map.of(0, 0, 1, 1, 2, 1));

            enumerator.handleSourceEvent(1, new ShardFinishedEvent(1));
            enumerator.handleSourceEvent(1, new ShardFinishedEvent(2));
            enumerator.handleSourceEvent(0, new ShardFinishedEvent(0));
            assertThat(readers(context)).isEqualTo(Map.of(0, 0, 1, 1, 2, 1, 3, 0, 4, 0, 5, 1));
        }
    }

    @Test
    void aCheckpointTakenBeforeTheStreamWasFirstSeenRestoresToTheStartingPosition() throws Throwable {
        String stream = "enumerator-early-checkpoint";
        TestStreams.create(kinesis, stream, 2);
        TestStreams.put(kinesis, stream, 10, 100, new HashMap<>());

        RunnelSource<String> source = RunnelSource.<String>builder().bootstrapServers(TestStreams.bootstrap()).stream(stream)
                .startingPosition(StartingPosition.latest()).deserializer(new TestStreams.KeyAndNumber()).build();
        RunnelEnumeratorState early;
        try (MockSplitEnumeratorContext<RunnelShardSplit> context = new MockSplitEnumeratorContext<>(1);
             SplitEnumerator<RunnelShardSplit, RunnelEnumeratorState> enumerator = source.createEnumerator(context)) {
            early = enumerator.snapshotState(1);
        }
        try (MockSplitEnumeratorContext<RunnelShardSplit> context = new MockSplitEnumeratorContext<>(1);
             SplitEnumerator<RunnelShardSplit, RunnelEnumeratorState> enumerator = source.restoreEnumerator(context, early)) {
            context.registerReader(new ReaderInfo(0, "localhost"));
            enumerator.start();
            context.runNextOneTimeCallable();
            List<RunnelShardSplit> splits = new ArrayList<>();
            context.getSplitsAssignmentSequence().forEach(a -> a.assignment().values().forEach(splits::addAll));
            // LATEST: past the records already there, on every shard.
            assertThat(splits).hasSize(2).allSatisfy(split -> assertThat(split.startingOffset()).isPositive());
        }
    }

    /** Each assigned shard's index and the reader it went to. */
    private static Map<Integer, Integer> readers(MockSplitEnumeratorContext<RunnelShardSplit> context) {
        Map<Integer, Integer> readers = new TreeMap<>();
        for (SplitsAssignment<RunnelShardSplit> assignment : context.getSplitsAssignmentSequence()) {
            assignment.assignment().forEach((reader, splits) -> splits.forEach(split -> readers.put(split.shardIndex(), reader)));
        }
        return readers;
    }
}
