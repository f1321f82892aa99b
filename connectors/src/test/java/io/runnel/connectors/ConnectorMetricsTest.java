package io.runnel.connectors;

import io.runnel.connectors.sink.RunnelSink;
import io.runnel.connectors.source.RunnelRecordDeserializer;
import io.runnel.connectors.source.RunnelSource;
import io.runnel.server.testing.Clients;
import io.runnel.server.testing.RunnelServerExtension;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The source reports, per shard, records and bytes read and how far behind it is, and per reader its shards;
 * the sink reports records and bytes written per shard.
 */
@ExtendWith(RunnelServerExtension.class)
class ConnectorMetricsTest {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(METRICS.addToConfiguration(new Configuration()))
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @Test
    void perShardRecordsAndMillisBehindLatest() throws Exception {
        String stream = "source-metrics";
        Map<String, Long> perShard;
        try (KinesisClient kinesis = Clients.sync(RunnelServerExtension.server().endpoint(), true)) {
            TestStreams.create(kinesis, stream, 2);
            List<PutRecordsRequestEntry> batch = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                batch.add(PutRecordsRequestEntry.builder().partitionKey("k" + i).data(SdkBytes.fromUtf8String("record " + i)).build());
            }
            List<PutRecordsResultEntry> results = kinesis.putRecords(b -> b.streamName(stream).records(batch)).records();
            perShard = results.stream().collect(Collectors.groupingBy(PutRecordsResultEntry::shardId, Collectors.counting()));
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.fromSource(RunnelSource.<String>builder().bootstrapServers(RunnelServerExtension.server().server.bootstrapServers())
                        .stream(stream).deserializer(RunnelRecordDeserializer.of(new SimpleStringSchema())).build(),
                WatermarkStrategy.noWatermarks(), "runnel").sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("metrics");
        try {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                for (Map.Entry<String, Long> shard : perShard.entrySet()) {
                    Map<String, Metric> metrics = shardMetrics(job, shard.getKey());
                    assertThat(metrics).containsKeys("recordsIn", "bytesIn", "millisBehindLatest");
                    assertThat(((Counter) metrics.get("recordsIn")).getCount()).as("records of %s", shard.getKey()).isEqualTo(shard.getValue());
                    assertThat(((Counter) metrics.get("bytesIn")).getCount()).isPositive();
                    assertThat(((Gauge<?>) metrics.get("millisBehindLatest")).getValue()).as("behind on %s", shard.getKey()).isEqualTo(0L);
                }
                long assigned = METRICS.getMetricsByIdentifiers(job.getJobID()).entrySet().stream()
                        .filter(e -> e.getKey().endsWith(".assignedShards")).map(Map.Entry::getValue)
                        .mapToLong(m -> ((Number) ((Gauge<?>) m).getValue()).longValue()).sum();
                assertThat(assigned).isEqualTo(2);
            });
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void perShardRecordsWritten() throws Exception {
        String stream = "sink-metrics";
        try (KinesisClient kinesis = Clients.sync(RunnelServerExtension.server().endpoint(), true)) {
            TestStreams.create(kinesis, stream, 2);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            List<String> records = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                records.add("k" + i + ":0");
            }
            env.fromData(records).sinkTo(RunnelSink.<String>builder().bootstrapServers(TestStreams.bootstrap()).stream(stream)
                    .serializer(new SimpleStringSchema()).partitionKey(r -> r.substring(0, r.indexOf(':'))).build());
            JobClient job = env.executeAsync("sink-metrics");
            job.getJobExecutionResult().get();

            List<TestStreams.Read> written = TestStreams.getRecords(kinesis, stream);
            Map<String, Long> perShard = written.stream().collect(Collectors.groupingBy(TestStreams.Read::shardId, Collectors.counting()));
            Map<String, Long> bytes = written.stream().collect(Collectors.groupingBy(TestStreams.Read::shardId,
                    Collectors.summingLong(r -> r.data().getBytes(StandardCharsets.UTF_8).length)));
            assertThat(perShard).hasSize(2);
            for (Map.Entry<String, Long> shard : perShard.entrySet()) {
                Map<String, Metric> metrics = shardMetrics(job, shard.getKey());
                assertThat(((Counter) metrics.get("recordsOut")).getCount()).as("records to %s", shard.getKey()).isEqualTo(shard.getValue());
                assertThat(((Counter) metrics.get("bytesOut")).getCount()).as("bytes to %s", shard.getKey()).isEqualTo(bytes.get(shard.getKey()));
            }
        }
    }

    private static Map<String, Metric> shardMetrics(JobClient job, String shardId) {
        return METRICS.getMetricsByIdentifiers(job.getJobID()).entrySet().stream()
                .filter(e -> e.getKey().contains(".shardId." + shardId + "."))
                .collect(Collectors.toMap(e -> e.getKey().substring(e.getKey().lastIndexOf('.') + 1), Map.Entry::getValue));
    }
}
