package io.runnel.connectors.sink;

import io.runnel.connectors.ConnectorTestBase;
import io.runnel.connectors.TestStreams;
import io.runnel.connectors.TestStreams.Read;
import io.runnel.connectors.source.RunnelSource;
import io.runnel.core.HashKey;
import io.runnel.core.SequenceNumber;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.Shard;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The Runnel sink in a Flink MiniCluster, against a real Runnel server and its embedded Kafka. */
class RunnelSinkTest extends ConnectorTestBase {

    @Test
    void getRecordsReturnsWhatTheSinkWroteInEachKeysShardInOrder() throws Exception {
        String stream = "sink-plain";
        TestStreams.create(kinesis, stream, 3);
        List<String> input = numbered(30, 3000, new HashMap<>());

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        keyed(env.fromData(input).setParallelism(1)).sinkTo(sink(stream, DeliveryGuarantee.AT_LEAST_ONCE).build());
        env.execute("sink-plain");

        Map<String, Shard> shards = new HashMap<>();
        kinesis.listShards(b -> b.streamName(stream)).shards().forEach(s -> shards.put(s.shardId(), s));
        List<Read> read = TestStreams.getRecords(kinesis, stream);
        assertThat(read).hasSize(input.size());
        Map<String, Integer> written = new HashMap<>();
        Map<String, BigInteger> lastInShard = new HashMap<>();
        for (Read r : read) {
            assertThat(r.data()).startsWith(r.partitionKey() + ":");
            written.merge(r.partitionKey(), 1, Integer::sum);
            BigInteger hash = HashKey.ofPartitionKey(r.partitionKey());
            Shard shard = shards.get(r.shardId());
            assertThat(hash).as("hash key of %s within its shard", r.partitionKey())
                    .isBetween(new BigInteger(shard.hashKeyRange().startingHashKey()), new BigInteger(shard.hashKeyRange().endingHashKey()));
            BigInteger sequence = new BigInteger(r.sequenceNumber());
            assertThat(SequenceNumber.decode(r.sequenceNumber()).shardIndex()).isEqualTo(Integer.parseInt(r.shardId().substring(8)));
            BigInteger previous = lastInShard.put(r.shardId(), sequence);
            assertThat(previous == null || previous.compareTo(sequence) < 0).as("sequence numbers rise within a shard").isTrue();
        }
        TestStreams.assertEveryRecordOnceInKeyOrder(read.stream().map(Read::data).toList(), written);
    }

    @Test
    void anExplicitHashKeyChoosesTheShard() throws Exception {
        String stream = "sink-explicit";
        TestStreams.create(kinesis, stream, 2);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromData(numbered(10, 200, new HashMap<>()))
                .sinkTo(sink(stream, DeliveryGuarantee.AT_LEAST_ONCE).explicitHashKey(record -> "0").build());
        env.execute("sink-explicit");

        assertThat(TestStreams.getRecords(kinesis, stream)).hasSize(200).allSatisfy(r ->
                assertThat(r.shardId()).isEqualTo("shardId-000000000000"));
    }

    /** Fails the job once, after some records, so that it restarts from its last checkpoint. */
    static final class FailOnce implements MapFunction<String, String> {
        static final AtomicBoolean FAILED = new AtomicBoolean();
        static final AtomicInteger SEEN = new AtomicInteger();

        @Override
        public String map(String value) {
            if (SEEN.incrementAndGet() > 3000 && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure");
            }
            return value;
        }
    }

    @Test
    void sourceToExactlyOnceSinkAcrossAFailureWritesEveryRecordOnce() throws Exception {
        String in = "sink-failover-in";
        String out = "sink-failover-out";
        TestStreams.create(kinesis, in, 4);
        TestStreams.create(kinesis, out, 3);
        Map<String, Integer> written = new HashMap<>();
        TestStreams.put(kinesis, in, 40, 8000, written);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(100);
        DataStream<String> records = env.fromSource(source(in).bounded().build(), WatermarkStrategy.noWatermarks(), "runnel")
                .map(new FailOnce());
        keyed(records).sinkTo(sink(out, DeliveryGuarantee.EXACTLY_ONCE).transactionalIdPrefix("sink-failover").build());
        env.execute("sink-failover");

        assertThat(FailOnce.FAILED).as("the injected failure happened").isTrue();
        TestStreams.assertEveryRecordOnceInKeyOrder(TestStreams.getRecords(kinesis, out).stream().map(Read::data).toList(), written);
    }

    @Test
    void theSinkFollowsSplitsAndMergesOfTheStreamItWrites() throws Exception {
        String in = "sink-reshard-in";
        String out = "sink-reshard-out";
        TestStreams.create(kinesis, in, 2);
        TestStreams.create(kinesis, out, 2);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(100);
        DataStream<String> records = env.fromSource(source(in).build(), WatermarkStrategy.noWatermarks(), "runnel");
        keyed(records).sinkTo(sink(out, DeliveryGuarantee.EXACTLY_ONCE).transactionalIdPrefix("sink-reshard").build());
        JobClient job = env.executeAsync("sink-reshard");
        Map<String, Integer> written = new HashMap<>();
        try {
            TestStreams.put(kinesis, in, 20, 2000, written);
            kinesis.splitShard(b -> b.streamName(out).shardToSplit("shardId-000000000000").newStartingHashKey(BigInteger.TWO.pow(126).toString()));
            TestStreams.put(kinesis, in, 20, 2000, written);
            TestStreams.awaitActive(kinesis, out);
            kinesis.mergeShards(b -> b.streamName(out).shardToMerge("shardId-000000000002").adjacentShardToMerge("shardId-000000000003"));
            TestStreams.put(kinesis, in, 20, 2000, written);
            TestStreams.awaitActive(kinesis, out);
            TestStreams.put(kinesis, in, 20, 2000, written);
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                    .until(() -> TestStreams.getRecords(kinesis, out).size() >= 8000);
        } finally {
            job.cancel().get();
        }

        assertThat(kinesis.listShards(b -> b.streamName(out)).shards()).hasSize(5);
        StreamExecutionEnvironment reader = StreamExecutionEnvironment.getExecutionEnvironment();
        reader.setParallelism(2);
        List<String> read = new ArrayList<>();
        try (CloseableIterator<String> it = reader.fromSource(source(out).bounded().build(), WatermarkStrategy.noWatermarks(), "runnel")
                .executeAndCollect()) {
            it.forEachRemaining(read::add);
        }
        TestStreams.assertEveryRecordOnceInKeyOrder(read, written);
    }

    /** Holds the second record back until the test has split the shard the first one was routed to. */
    static final class HoldSecondRecord implements MapFunction<String, String> {
        static final CountDownLatch FIRST_ROUTED = new CountDownLatch(1);
        static final CountDownLatch SPLIT = new CountDownLatch(1);

        @Override
        public String map(String value) throws InterruptedException {
            if (value.startsWith("b:")) {
                FIRST_ROUTED.countDown();
                assertThat(SPLIT.await(60, TimeUnit.SECONDS)).as("the test split the shard").isTrue();
            }
            return value;
        }
    }

    @Test
    void aRecordThatReachesAShardAfterItEndedIsWrittenAgainToItsChild() throws Exception {
        String stream = "sink-late";
        TestStreams.create(kinesis, stream, 1);
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 1);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ZERO);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        // The first record waits in the producer's buffer, routed to shard 0, until the end of input.
        env.fromData("a:0", "b:0").map(new HoldSecondRecord())
                .sinkTo(sink(stream, DeliveryGuarantee.EXACTLY_ONCE).transactionalIdPrefix("sink-late")
                        .producerProperty("linger.ms", "600000").build());
        JobClient job = env.executeAsync("sink-late");
        assertThat(HoldSecondRecord.FIRST_ROUTED.await(60, TimeUnit.SECONDS)).isTrue();
        kinesis.splitShard(b -> b.streamName(stream).shardToSplit("shardId-000000000000").newStartingHashKey(BigInteger.TWO.pow(127).toString()));
        TestStreams.awaitActive(kinesis, stream);
        HoldSecondRecord.SPLIT.countDown();
        job.getJobExecutionResult().get(2, TimeUnit.MINUTES);

        List<Read> read = TestStreams.getRecords(kinesis, stream);
        assertThat(read).extracting(Read::data).containsExactlyInAnyOrder("a:0", "b:0");
        assertThat(read).extracting(Read::shardId).doesNotContain("shardId-000000000000");
    }

    @Test
    void aMissingStreamFailsTheJobWithItsName() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.fromData("a:0").sinkTo(sink("no-such-stream", DeliveryGuarantee.AT_LEAST_ONCE).build());
        assertThatThrownBy(() -> env.execute("sink-missing"))
                .rootCause().hasMessageContaining("stream 'no-such-stream' does not exist");
    }

    @Test
    void aRecordWithoutAPartitionKeyFailsTheJobNamingTheField() throws Exception {
        String stream = "sink-bad-key";
        TestStreams.create(kinesis, stream, 1);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.fromData("a:0", ":1").sinkTo(sink(stream, DeliveryGuarantee.AT_LEAST_ONCE).build());
        assertThatThrownBy(() -> env.execute("sink-bad-key"))
                .rootCause().hasMessageContaining("PartitionKey must be 1 to 256 characters long");
    }

    @Test
    void exactlyOnceWithoutATransactionalIdPrefixIsRefused() {
        assertThatThrownBy(() -> sink("any", DeliveryGuarantee.EXACTLY_ONCE).build())
                .hasMessageContaining("transactionalIdPrefix");
    }

    /** "key-i:n" for {@code count} records over {@code keys} keys, numbering each key's records. */
    static List<String> numbered(int keys, int count, Map<String, Integer> written) {
        List<String> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String key = "key-" + (i % keys);
            records.add(key + ":" + (written.merge(key, 1, Integer::sum) - 1));
        }
        return records;
    }

    /** Keeps each key's records on one sink subtask, so they stay in order. */
    static DataStream<String> keyed(DataStream<String> records) {
        return records.keyBy(RunnelSinkTest::keyOf);
    }

    static String keyOf(String record) {
        return record.substring(0, record.indexOf(':'));
    }

    static RunnelSink.Builder<String> sink(String stream, DeliveryGuarantee guarantee) {
        return RunnelSink.<String>builder()
                .bootstrapServers(TestStreams.bootstrap())
                .stream(stream)
                .deliveryGuarantee(guarantee)
                .serializer(new SimpleStringSchema())
                .partitionKey(RunnelSinkTest::keyOf);
    }

    static RunnelSource.Builder<String> source(String stream) {
        return RunnelSource.<String>builder()
                .bootstrapServers(TestStreams.bootstrap())
                .stream(stream)
                .shardDiscoveryInterval(Duration.ofMillis(200))
                .deserializer(new TestStreams.KeyAndNumber());
    }
}
