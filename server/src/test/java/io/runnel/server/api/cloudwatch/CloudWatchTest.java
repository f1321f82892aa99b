package io.runnel.server.api.cloudwatch;

import io.runnel.server.testing.RunnelServerExtension;
import io.runnel.server.testing.SignedRequests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.CloudWatchException;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** CloudWatch's PutMetricData, as the KCL and the KPL send it, so that neither needs its metrics turned off. */
@ExtendWith(RunnelServerExtension.class)
class CloudWatchTest {

    private static CloudWatchClient client() {
        return CloudWatchClient.builder().endpointOverride(RunnelServerExtension.server().endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("kcl", "secret"))).build();
    }

    private static ClientMetrics metrics() {
        return RunnelServerExtension.server().server.clientMetrics();
    }

    @Test
    void theSdkPutsValuesValueListsAndStatisticSetsThatAreKept() {
        Instant at = Instant.parse("2026-12-01T10:00:00.250Z");
        try (CloudWatchClient cloudWatch = client()) {
            cloudWatch.putMetricData(b -> b.namespace("my-kcl-app").metricData(
                    MetricDatum.builder().metricName("RecordsProcessed").dimensions(Dimension.builder().name("ShardId")
                            .value("shardId-000000000001").build()).value(40.0).unit(StandardUnit.COUNT).timestamp(at).build(),
                    MetricDatum.builder().metricName("Latency").values(10.0, 30.0).counts(1.0, 3.0).unit(StandardUnit.MILLISECONDS).build(),
                    MetricDatum.builder().metricName("Bytes").statisticValues(s -> s.sampleCount(4.0).sum(400.0).minimum(50.0).maximum(150.0))
                            .build()));
            cloudWatch.putMetricData(b -> b.namespace("my-kcl-app").metricData(MetricDatum.builder().metricName("RecordsProcessed")
                    .dimensions(Dimension.builder().name("ShardId").value("shardId-000000000001").build()).value(2.0)
                    .timestamp(at.plusSeconds(60)).build()));
        }
        ClientMetrics.Summary processed = metrics().get(new ClientMetrics.Series("my-kcl-app", "RecordsProcessed",
                List.of(Map.entry("ShardId", "shardId-000000000001")))).orElseThrow();
        assertThat(processed.sampleCount()).isEqualTo(2);
        assertThat(processed.sum()).isEqualTo(42);
        assertThat(processed.last()).isEqualTo(2);
        assertThat(processed.lastTimestampMillis()).isEqualTo(at.plusSeconds(60).toEpochMilli());
        assertThat(processed.unit()).isEqualTo("Count");
        ClientMetrics.Summary latency = metrics().get(new ClientMetrics.Series("my-kcl-app", "Latency", List.of())).orElseThrow();
        assertThat(latency.sampleCount()).isEqualTo(4);
        assertThat(latency.sum()).isEqualTo(100);
        assertThat(latency.maximum()).isEqualTo(30);
        ClientMetrics.Summary bytes = metrics().get(new ClientMetrics.Series("my-kcl-app", "Bytes", List.of())).orElseThrow();
        assertThat(bytes.sampleCount()).isEqualTo(4);
        assertThat(bytes.minimum()).isEqualTo(50);
    }

    @Test
    void aLargePutArrivesGzippedInCborAndIsKeptWhole() {
        List<MetricDatum> data = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            data.add(MetricDatum.builder().metricName("Gauge").dimensions(Dimension.builder().name("Worker").value("worker-" + i).build())
                    .value((double) i).build());
        }
        List<String> encodings = new ArrayList<>();
        List<String> protocols = new ArrayList<>();
        try (CloudWatchClient cloudWatch = CloudWatchClient.builder().endpointOverride(RunnelServerExtension.server().endpoint())
                .region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("kcl", "secret")))
                .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                        encodings.addAll(context.httpRequest().headers().getOrDefault("Content-Encoding", List.of()));
                        protocols.addAll(context.httpRequest().headers().getOrDefault("smithy-protocol", List.of()));
                    }
                })).build()) {
            cloudWatch.putMetricData(b -> b.namespace("gzipped").metricData(data));
        }
        assertThat(encodings).containsExactly("gzip");
        assertThat(protocols).as("the SDK's protocol for CloudWatch").containsExactly("rpc-v2-cbor");
        assertThat(metrics().all().keySet().stream().filter(s -> s.namespace().equals("gzipped"))).hasSize(1000);
        assertThat(metrics().get(new ClientMetrics.Series("gzipped", "Gauge", List.of(Map.entry("Worker", "worker-999"))))
                .orElseThrow().last()).isEqualTo(999);
    }

    @Test
    void badInputIsRefusedWithCloudWatchsCodesAndNothingIsKept() {
        try (CloudWatchClient cloudWatch = client()) {
            assertThatThrownBy(() -> cloudWatch.putMetricData(b -> b.namespace("refused").metricData(
                    MetricDatum.builder().metricName("Fine").value(1.0).build(),
                    MetricDatum.builder().metricName("Both").value(1.0).statisticValues(s -> s.sampleCount(1.0).sum(1.0).minimum(1.0)
                            .maximum(1.0)).build())))
                    .isInstanceOfSatisfying(CloudWatchException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterCombination");
                        assertThat(e.awsErrorDetails().errorMessage()).contains("MetricData.member.2.Value");
                    });
            assertThatThrownBy(() -> cloudWatch.putMetricData(b -> b.namespace("AWS/Kinesis").metricData(
                    MetricDatum.builder().metricName("Fine").value(1.0).build())))
                    .isInstanceOfSatisfying(CloudWatchException.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterValue"));
            assertThatThrownBy(() -> cloudWatch.listMetrics(b -> b.namespace("refused")))
                    .isInstanceOfSatisfying(CloudWatchException.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidAction");
                        assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Could not find operation ListMetrics for version 2010-08-01");
                    });
        }
        assertThat(metrics().all().keySet()).noneMatch(s -> s.namespace().equals("refused"));
    }

    @Test
    void theQueryFormOfOlderClientsIsKeptAndAnsweredInXml() throws Exception {
        String form = "Action=PutMetricData&Version=2010-08-01&Namespace=kpl&MetricData.member.1.MetricName=UserRecordsPut"
                + "&MetricData.member.1.Dimensions.member.1.Name=StreamName&MetricData.member.1.Dimensions.member.1.Value=orders"
                + "&MetricData.member.1.StatisticValues.SampleCount=2&MetricData.member.1.StatisticValues.Sum=30"
                + "&MetricData.member.1.StatisticValues.Minimum=10&MetricData.member.1.StatisticValues.Maximum=20"
                + "&MetricData.member.1.Timestamp=2026-12-01T10%3A00%3A00Z&MetricData.member.1.Unit=Count";
        HttpResponse<String> r = post(form);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("<PutMetricDataResponse xmlns=\"http://monitoring.amazonaws.com/doc/2010-08-01/\"><ResponseMetadata>"
                + "<RequestId>" + r.headers().firstValue("x-amzn-RequestId").orElseThrow() + "</RequestId></ResponseMetadata>"
                + "</PutMetricDataResponse>\n");
        ClientMetrics.Summary put = metrics().get(new ClientMetrics.Series("kpl", "UserRecordsPut", List.of(Map.entry("StreamName", "orders"))))
                .orElseThrow();
        assertThat(put.sum()).isEqualTo(30);
        assertThat(put.lastTimestampMillis()).isEqualTo(Instant.parse("2026-12-01T10:00:00Z").toEpochMilli());

        HttpResponse<String> missing = post("Action=PutMetricData&Version=2010-08-01&Namespace=kpl&MetricData.member.1.Value=1");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).contains("<Code>MissingParameter</Code><Message>The parameter MetricData.member.1.MetricName is required.</Message>");

        // List members are numbered from 1 without gaps: a form cannot make the server build lists longer than itself.
        HttpResponse<String> gap = post("Action=PutMetricData&Version=2010-08-01&Namespace=kpl&MetricData.member.9999.MetricName=m"
                + "&MetricData.member.9999.Value=1");
        assertThat(gap.statusCode()).isEqualTo(400);
        assertThat(gap.body()).contains("<Code>InvalidParameterValue</Code><Message>The parameter MetricData.member.9999 is not valid.</Message>");
        HttpResponse<String> malformed = post("Action=PutMetricData&Version=2010-08-01&Namespace=%zz");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).contains("<Code>MalformedQueryString</Code>");
    }

    @Test
    void aGzippedQueryFormAsTheKplSendsItIsKept() throws Exception {
        String form = "Action=PutMetricData&Version=2010-08-01&Namespace=KinesisProducerLibrary&MetricData.member.1.MetricName=KinesisRecordsPut"
                + "&MetricData.member.1.Value=7&MetricData.member.1.Timestamp=2026-12-02T01%3A35%3A33Z";
        java.io.ByteArrayOutputStream gzipped = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(gzipped)) {
            out.write(form.getBytes(StandardCharsets.UTF_8));
        }
        HttpRequest request = SignedRequests.post(RunnelServerExtension.server().endpoint(), Map.of("Content-Type",
                "application/x-www-form-urlencoded; charset=utf-8", "Content-Encoding", "gzip"), gzipped.toByteArray(), "monitoring").build();
        HttpResponse<String> r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(metrics().get(new ClientMetrics.Series("KinesisProducerLibrary", "KinesisRecordsPut", List.of())).orElseThrow().last())
                .isEqualTo(7);
    }

    @Test
    void theJsonFormOfTheAwsCliIsKeptToo() throws Exception {
        HttpRequest request = SignedRequests.post(RunnelServerExtension.server().endpoint(), Map.of("Content-Type",
                        "application/x-amz-json-1.0", "X-Amz-Target", "GraniteServiceVersion20100801.PutMetricData"),
                "{\"Namespace\":\"cli\",\"MetricData\":[{\"MetricName\":\"Hits\",\"Value\":3.0,\"Timestamp\":1764583200}]}"
                        .getBytes(StandardCharsets.UTF_8), "monitoring").build();
        HttpResponse<String> r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        ClientMetrics.Summary hits = metrics().get(new ClientMetrics.Series("cli", "Hits", List.of())).orElseThrow();
        assertThat(hits.last()).isEqualTo(3);
        assertThat(hits.lastTimestampMillis()).isEqualTo(1_764_583_200_000L);

        HttpRequest list = SignedRequests.post(RunnelServerExtension.server().endpoint(), Map.of("Content-Type",
                "application/x-amz-json-1.0", "X-Amz-Target", "GraniteServiceVersion20100801.ListMetrics"), "{}".getBytes(StandardCharsets.UTF_8),
                "monitoring").build();
        HttpResponse<String> refused = HttpClient.newHttpClient().send(list, HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("\"__type\":\"InvalidAction\"").contains("PutMetricData only");
    }

    private static HttpResponse<String> post(String form) throws Exception {
        HttpRequest request = SignedRequests.post(RunnelServerExtension.server().endpoint(),
                Map.of("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"), form.getBytes(StandardCharsets.UTF_8), "monitoring")
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }
}
