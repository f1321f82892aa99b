package io.runnel.server.console;

import io.runnel.server.testing.Clients;
import io.runnel.server.testing.PrometheusText;
import io.runnel.server.testing.RunnelServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /metrics}: Kinesis's CloudWatch metrics per stream, in Prometheus's text format, counting exactly what was put. */
@ExtendWith(RunnelServerExtension.class)
class MetricsTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static HttpResponse<String> get(String path) throws Exception {
        URI uri = RunnelServerExtension.server().endpoint().resolve(path);
        return HTTP.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static PrometheusText scrape() throws Exception {
        HttpResponse<String> page = get("/metrics");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        return PrometheusText.parse(page.body());
    }

    @Test
    void recordsAndBytesPutAreCountedExactlyPerStreamAndShard() throws Exception {
        try (KinesisClient kinesis = Clients.sync(RunnelServerExtension.server().endpoint(), true)) {
            kinesis.createStream(b -> b.streamName("metrics-counted").shardCount(2));
            kinesis.createStream(b -> b.streamName("metrics-other").shardCount(1));
            Clients.awaitActive(kinesis, "metrics-counted");
            Clients.awaitActive(kinesis, "metrics-other");
            long bytes = 0;
            for (int i = 1; i <= 7; i++) {
                int size = i;
                kinesis.putRecord(b -> b.streamName("metrics-counted").partitionKey("key-" + size).data(SdkBytes.fromUtf8String("x".repeat(size))));
                bytes += size;
            }
            List<PutRecordsRequestEntry> batch = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                batch.add(PutRecordsRequestEntry.builder().partitionKey("batch-" + i).data(SdkBytes.fromUtf8String("y".repeat(100))).build());
                bytes += 100;
            }
            assertThat(kinesis.putRecords(b -> b.streamName("metrics-counted").records(batch)).failedRecordCount()).isZero();
            for (int i = 0; i < 3; i++) {
                kinesis.putRecord(b -> b.streamName("metrics-other").partitionKey("k").data(SdkBytes.fromUtf8String("0123456789")));
            }
            String shard = kinesis.listShards(b -> b.streamName("metrics-counted")).shards().get(0).shardId();
            String iterator = kinesis.getShardIterator(b -> b.streamName("metrics-counted").shardId(shard)
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            GetRecordsResponse read = kinesis.getRecords(b -> b.shardIterator(iterator));

            PrometheusText metrics = scrape();
            Map<String, String> counted = Map.of("stream_name", "metrics-counted");
            assertThat(metrics.value("kinesis_incoming_records_total", counted)).as("%s", metrics.all()).isEqualTo(32.0);
            assertThat(metrics.value("kinesis_incoming_bytes_total", counted)).isEqualTo((double) bytes);
            assertThat(metrics.value("kinesis_incoming_records_total", Map.of("stream_name", "metrics-other"))).isEqualTo(3.0);
            assertThat(metrics.value("kinesis_incoming_bytes_total", Map.of("stream_name", "metrics-other"))).isEqualTo(30.0);
            assertThat(metrics.matching("kinesis_shard_incoming_records_total", counted).stream()
                    .mapToDouble(PrometheusText.Sample::value).sum()).isEqualTo(32.0);
            assertThat(metrics.matching("kinesis_shard_incoming_bytes_total", counted).stream()
                    .mapToDouble(PrometheusText.Sample::value).sum()).isEqualTo((double) bytes);
            assertThat(metrics.value("kinesis_put_record_latency_seconds_count", counted)).isEqualTo(7.0);
            assertThat(metrics.value("kinesis_put_records_latency_seconds_count", counted)).isEqualTo(1.0);
            assertThat(metrics.value("kinesis_get_records_records_total", counted)).isEqualTo((double) read.records().size());
            assertThat(metrics.value("kinesis_get_records_iterator_age_milliseconds", counted)).isNotNull();
            assertThat(metrics.value("kinesis_write_provisioned_throughput_exceeded_total", counted)).isZero();

            // The console's own reads (its newest-records view) are not a reader's: they are not counted.
            HttpResponse<String> consoleRead = HTTP.send(HttpRequest.newBuilder(RunnelServerExtension.server().endpoint().resolve("/console/api"))
                    .header("X-Amz-Target", "Kinesis_20131202.GetRecords").header("Content-Type", "application/x-amz-json-1.1")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"ShardIterator\":\"" + iterator + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(consoleRead.statusCode()).isEqualTo(200);
            assertThat(consoleRead.body()).contains("\"Records\":[{");
            assertThat(scrape().value("kinesis_get_records_records_total", counted)).isEqualTo((double) read.records().size());
        }
    }

    @Test
    void metricsClientsPutAreShownUnderTheirNamespace() throws Exception {
        try (CloudWatchClient cloudWatch = CloudWatchClient.builder().endpointOverride(RunnelServerExtension.server().endpoint())
                .region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("kpl", "secret")))
                .build()) {
            cloudWatch.putMetricData(b -> b.namespace("KinesisProducerLibrary").metricData(
                    MetricDatum.builder().metricName("UserRecordsPut").value(40.0)
                            .dimensions(Dimension.builder().name("StreamName").value("orders").build()).build(),
                    MetricDatum.builder().metricName("UserRecordsPut").value(2.0)
                            .dimensions(Dimension.builder().name("StreamName").value("orders").build()).build(),
                    MetricDatum.builder().metricName("UserRecordsPut").value(7.0).build()));
            // A client whose names would be the server's own is left out, and the page stays whole.
            cloudWatch.putMetricData(b -> b.namespace("KinesisShard").metricData(MetricDatum.builder().metricName("IncomingRecords")
                    .value(1.0).build()));
        }
        PrometheusText metrics = scrape();
        assertThat(metrics.value("kinesis_producer_library_user_records_put_count", Map.of("stream_name", "orders")))
                .as("%s", metrics.all()).isEqualTo(2.0);
        assertThat(metrics.value("kinesis_producer_library_user_records_put_sum", Map.of("stream_name", "orders"))).isEqualTo(42.0);
        // The series without the dimension has it empty: one family, one set of label names.
        assertThat(metrics.value("kinesis_producer_library_user_records_put_sum", Map.of("stream_name", ""))).isEqualTo(7.0);
        assertThat(metrics.samples()).noneMatch(s -> s.name().startsWith("kinesis_shard_incoming_records_count"));
    }

    @Test
    void healthIsUpOnceKafkaAndTheS3EndpointAnswer() throws Exception {
        HttpResponse<String> health = get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("{\"status\":\"UP\",\"checks\":{\"kafka\":\"UP\",\"flink\":\"NONE\",\"s3\":\"UP\"}}");
    }
}
