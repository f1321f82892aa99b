package io.runnel.connectors.source;

import io.runnel.connectors.ConnectorTestBase;
import io.runnel.connectors.TestStreams;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Starting positions, savepoints and rescaling, and what a job says when it cannot read. */
class RunnelSourceLifecycleTest extends ConnectorTestBase {


    /** Collects what a job's sink receives, across the jobs of one test. */
    static final Queue<String> RECEIVED = new ConcurrentLinkedQueue<>();

    static final class Received implements Sink<String> {
        @Override
        public SinkWriter<String> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(String element, Context ctx) {
                    RECEIVED.add(element);
                }

                @Override
                public void flush(boolean endOfInput) {
                }

                @Override
                public void close() {
                }
            };
        }
    }

    @Test
    void stopWithSavepointThenRestartWithAnotherParallelismReadsEveryRecordOnce(@TempDir Path savepoints) throws Exception {
        String stream = "source-savepoint";
        TestStreams.create(kinesis, stream, 4);
        Map<String, Integer> written = new HashMap<>();
        TestStreams.put(kinesis, stream, 12, 3000, written);
        RECEIVED.clear();

        StreamExecutionEnvironment first = StreamExecutionEnvironment.getExecutionEnvironment();
        first.setParallelism(2);
        first.fromSource(source(stream), WatermarkStrategy.noWatermarks(), "runnel").sinkTo(new Received());
        JobClient job = first.executeAsync("before the savepoint");
        await().atMost(Duration.ofSeconds(60)).until(() -> RECEIVED.size() >= 1000);
        String savepoint = job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL).get();
        int beforeRestart = RECEIVED.size();
        TestStreams.put(kinesis, stream, 12, 2000, written);

        Configuration restore = new Configuration();
        restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        StreamExecutionEnvironment second = StreamExecutionEnvironment.getExecutionEnvironment(restore);
        second.setParallelism(3);
        second.fromSource(source(stream), WatermarkStrategy.noWatermarks(), "runnel").sinkTo(new Received());
        JobClient resumed = second.executeAsync("after the savepoint");
        int total = written.values().stream().mapToInt(Integer::intValue).sum();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> RECEIVED.size() >= total);
        } finally {
            resumed.cancel().get();
        }
        assertThat(beforeRestart).isLessThan(total);
        TestStreams.assertEveryRecordOnceInKeyOrder(new ArrayList<>(RECEIVED), written);
    }

    @Test
    void latestReadsOnlyWhatArrivesAfterTheStart() throws Exception {
        String stream = "source-latest";
        TestStreams.create(kinesis, stream, 2);
        Map<String, Integer> written = new HashMap<>();
        TestStreams.put(kinesis, stream, 4, 400, written);
        RECEIVED.clear();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.fromSource(RunnelSource.<String>builder().bootstrapServers(TestStreams.bootstrap()).stream(stream)
                .startingPosition(StartingPosition.latest()).deserializer(new TestStreams.KeyAndNumber()).build(),
                WatermarkStrategy.noWatermarks(), "runnel").sinkTo(new Received());
        JobClient job = env.executeAsync("latest");
        try {
            awaitRunning(job);
            // The readers may start a moment after the job: keep putting marked records until one is read.
            Map<String, Integer> later = new HashMap<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                putRecord(stream, "late", later);
                return !RECEIVED.isEmpty();
            });
        } finally {
            job.cancel().get();
        }
        assertThat(RECEIVED).allMatch(r -> r.startsWith("late:"));
    }

    @Test
    void atTimestampStartsWithTheFirstRecordThatArrivedThen() throws Exception {
        String stream = "source-at-timestamp";
        TestStreams.create(kinesis, stream, 2);
        Map<String, Integer> written = new HashMap<>();
        TestStreams.put(kinesis, stream, 4, 400, written);
        long between = System.currentTimeMillis() + 5;
        await().atMost(Duration.ofSeconds(5)).until(() -> System.currentTimeMillis() > between + 5);
        Map<String, Integer> after = new HashMap<>();
        putAs(stream, "after", 300, after);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        List<String> read = new ArrayList<>();
        try (CloseableIterator<String> it = env.fromSource(RunnelSource.<String>builder().bootstrapServers(TestStreams.bootstrap()).stream(stream)
                .startingPosition(StartingPosition.atTimestamp(between)).bounded().deserializer(new TestStreams.KeyAndNumber()).build(),
                WatermarkStrategy.noWatermarks(), "runnel").executeAndCollect()) {
            it.forEachRemaining(read::add);
        }
        assertThat(read).hasSize(300).allMatch(r -> r.startsWith("after"));
    }

    @Test
    void atAndAfterASequenceNumberStartWhereGetShardIteratorWould() throws Exception {
        String stream = "source-at-sequence";
        TestStreams.create(kinesis, stream, 1);
        List<String> sequenceNumbers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int n = i;
            sequenceNumbers.add(kinesis.putRecord(b -> b.streamName(stream).partitionKey("k")
                    .data(SdkBytes.fromUtf8String("k:" + n))).sequenceNumber());
        }
        Map<String, String> tenth = Map.of("shardId-000000000000", sequenceNumbers.get(10));
        assertThat(readBounded(stream, StartingPosition.atSequenceNumbers(tenth))).first().isEqualTo("k:10");
        assertThat(readBounded(stream, StartingPosition.atSequenceNumbers(tenth))).hasSize(10);
        assertThat(readBounded(stream, StartingPosition.afterSequenceNumbers(tenth))).first().isEqualTo("k:11");
    }

    private static List<String> readBounded(String stream, StartingPosition start) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        List<String> read = new ArrayList<>();
        try (CloseableIterator<String> it = env.fromSource(RunnelSource.<String>builder().bootstrapServers(TestStreams.bootstrap())
                .stream(stream).startingPosition(start).bounded().deserializer(new TestStreams.KeyAndNumber()).build(),
                WatermarkStrategy.noWatermarks(), "runnel").executeAndCollect()) {
            it.forEachRemaining(read::add);
        }
        return read;
    }

    @Test
    void aMissingStreamFailsTheJobWithAMessageThatNamesIt() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.fromSource(source("no-such-stream"), WatermarkStrategy.noWatermarks(), "runnel").sinkTo(new Received());
        assertThatThrownBy(() -> env.execute("missing stream")).satisfies(e ->
                assertThat(causes(e)).anyMatch(m -> m.contains("Runnel stream 'no-such-stream' does not exist")));
    }

    @Test
    void aKafkaClusterWithoutRunnelFailsTheJobSayingSo() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.fromSource(RunnelSource.<String>builder().bootstrapServers(TestStreams.bootstrap()).metadataTopic("no-such-metadata")
                .stream("anything").deserializer(new TestStreams.KeyAndNumber()).build(),
                WatermarkStrategy.noWatermarks(), "runnel").sinkTo(new Received());
        assertThatThrownBy(() -> env.execute("not runnel")).satisfies(e ->
                assertThat(causes(e)).anyMatch(m -> m.contains("has no Runnel metadata topic 'no-such-metadata'")));
    }

    @Test
    void aRecordTheFormatCannotReadFailsTheJobWithItsPosition() throws Exception {
        String stream = "source-bad-record";
        TestStreams.create(kinesis, stream, 1);
        putAs(stream, "json", 1, new HashMap<>());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.fromSource(RunnelSource.<Integer>builder().bootstrapServers(TestStreams.bootstrap()).stream(stream).bounded()
                        .deserializer(RunnelRecordDeserializer.of(new IntegerSchema())).build(),
                WatermarkStrategy.noWatermarks(), "runnel").print();
        assertThatThrownBy(() -> env.execute("bad record")).satisfies(e ->
                assertThat(causes(e)).anyMatch(m -> m.contains("cannot deserialize the record at sequence number")
                        && m.contains("of shardId-000000000000 (partition key 'json-0')")));
    }

    /** A format that expects decimal integers. */
    static final class IntegerSchema extends org.apache.flink.api.common.serialization.AbstractDeserializationSchema<Integer> {
        @Override
        public Integer deserialize(byte[] message) {
            return Integer.parseInt(new String(message, StandardCharsets.UTF_8));
        }
    }

    private static List<String> causes(Throwable e) {
        List<String> messages = new ArrayList<>();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.add(String.valueOf(t.getMessage()));
        }
        return messages;
    }

    private static void awaitRunning(JobClient job) {
        await().atMost(Duration.ofSeconds(60)).until(() -> job.getJobStatus().get() == JobStatus.RUNNING);
    }


    private static RunnelSource<String> source(String stream) {
        return RunnelSource.<String>builder().bootstrapServers(TestStreams.bootstrap()).stream(stream)
                .shardDiscoveryInterval(Duration.ofMillis(200)).deserializer(new TestStreams.KeyAndNumber()).build();
    }



    /** Puts records whose keys are "{prefix}-{i}" and whose data is "{prefix}-{i}:0". */
    private static void putAs(String stream, String prefix, int count, Map<String, Integer> written) {
        for (int i = 0; i < count; i++) {
            putRecord(stream, prefix + "-" + i, written);
        }
    }

    private static void putRecord(String stream, String key, Map<String, Integer> written) {
        int n = written.merge(key, 1, Integer::sum) - 1;
        kinesis.putRecord(b -> b.streamName(stream).partitionKey(key).data(SdkBytes.fromUtf8String(key + ":" + n)));
    }
}
