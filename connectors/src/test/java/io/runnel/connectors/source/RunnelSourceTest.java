package io.runnel.connectors.source;

import io.runnel.connectors.ConnectorTestBase;
import io.runnel.connectors.TestStreams;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.ScalingType;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The Runnel source in a Flink MiniCluster, against a real Runnel server and its embedded Kafka. */
class RunnelSourceTest extends ConnectorTestBase {


    @Test
    void boundedReadOfAReshardedStreamReturnsEveryRecordOnceInKeyOrder() throws Exception {
        String stream = "source-bounded";
        TestStreams.create(kinesis, stream, 3);
        Map<String, Integer> written = new HashMap<>();
        TestStreams.put(kinesis, stream, 20, 1500, written);
        kinesis.splitShard(b -> b.streamName(stream).shardToSplit("shardId-000000000000").newStartingHashKey(BigInteger.TWO.pow(126).toString()));
        TestStreams.awaitActive(kinesis, stream);
        TestStreams.put(kinesis, stream, 20, 1500, written);
        kinesis.mergeShards(b -> b.streamName(stream).shardToMerge("shardId-000000000001").adjacentShardToMerge("shardId-000000000002"));
        TestStreams.awaitActive(kinesis, stream);
        TestStreams.put(kinesis, stream, 20, 1000, written);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        List<String> read = new ArrayList<>();
        try (CloseableIterator<String> it = env.fromSource(source(stream).bounded().build(), WatermarkStrategy.noWatermarks(), "runnel")
                .executeAndCollect()) {
            it.forEachRemaining(read::add);
        }
        TestStreams.assertEveryRecordOnceInKeyOrder(read, written);
    }

    @Test
    void unboundedReadFollowsSplitsAndMergesWhileRecordsArrive() throws Exception {
        String stream = "source-unbounded";
        TestStreams.create(kinesis, stream, 2);
        Map<String, Integer> written = new HashMap<>();
        TestStreams.put(kinesis, stream, 10, 500, written);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(3);
        // Keys keep their order across a merge of shards read by different subtasks once a checkpoint completes.
        env.enableCheckpointing(100);
        RunnelSource<String> source = source(stream).shardDiscoveryInterval(Duration.ofMillis(200)).build();
        List<String> read = new ArrayList<>();
        try (CloseableIterator<String> it = env.fromSource(source, WatermarkStrategy.noWatermarks(), "runnel").executeAndCollect()) {
            TestStreams.put(kinesis, stream, 10, 500, written);
            kinesis.splitShard(b -> b.streamName(stream).shardToSplit("shardId-000000000000").newStartingHashKey(BigInteger.TWO.pow(126).toString()));
            TestStreams.put(kinesis, stream, 10, 500, written);
            TestStreams.awaitActive(kinesis, stream);
            kinesis.mergeShards(b -> b.streamName(stream).shardToMerge("shardId-000000000002").adjacentShardToMerge("shardId-000000000003"));
            TestStreams.put(kinesis, stream, 10, 500, written);
            TestStreams.awaitActive(kinesis, stream);
            kinesis.updateShardCount(b -> b.streamName(stream).targetShardCount(3).scalingType(ScalingType.UNIFORM_SCALING));
            TestStreams.put(kinesis, stream, 10, 500, written);
            int total = written.values().stream().mapToInt(Integer::intValue).sum();
            while (read.size() < total && it.hasNext()) {
                read.add(it.next());
            }
        }
        TestStreams.assertEveryRecordOnceInKeyOrder(read, written);
    }

    /** Fails the job once, after some records, so that it restarts from its last checkpoint. */
    static final class FailOnce implements MapFunction<String, String> {
        static final AtomicBoolean FAILED = new AtomicBoolean();
        static final AtomicInteger SEEN = new AtomicInteger();

        @Override
        public String map(String value) {
            if (SEEN.incrementAndGet() > 1500 && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure");
            }
            return value;
        }
    }

    @Test
    void aJobRestartedFromACheckpointReadsEveryRecordExactlyOnce() throws Exception {
        String stream = "source-failover";
        TestStreams.create(kinesis, stream, 4);
        Map<String, Integer> written = new HashMap<>();
        TestStreams.put(kinesis, stream, 40, 6000, written);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(100);
        List<String> read = new ArrayList<>();
        try (CloseableIterator<String> it = env.fromSource(source(stream).bounded().build(), WatermarkStrategy.noWatermarks(), "runnel")
                .map(new FailOnce()).executeAndCollect()) {
            it.forEachRemaining(read::add);
        }
        assertThat(FailOnce.FAILED).as("the injected failure happened").isTrue();
        TestStreams.assertEveryRecordOnceInKeyOrder(read, written);
    }

    private static RunnelSource.Builder<String> source(String stream) {
        return RunnelSource.<String>builder()
                .bootstrapServers(TestStreams.bootstrap())
                .stream(stream)
                .deserializer(new TestStreams.KeyAndNumber());
    }
}
