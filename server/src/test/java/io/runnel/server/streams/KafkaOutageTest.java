package io.runnel.server.streams;

import io.runnel.server.EmbeddedKafka;
import io.runnel.server.RunnelConfig;
import io.runnel.server.RunnelServer;
import io.runnel.server.testing.Clients;
import io.runnel.server.testing.RunnelServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Kafka goes away under a server that uses an external cluster: puts fail with Kinesis's InternalFailure rather
 * than hang, the rest of the API keeps answering, and once Kafka is back puts succeed again and nothing
 * acknowledged is lost.
 */
class KafkaOutageTest {

    private static final String STREAM = "outage";

    @Test
    void putsFailClearlyWhileKafkaIsDownAndResumeWhenItIsBack(@TempDir Path dir) throws Exception {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), "127.0.0.1", "127.0.0.1", port);
        RunnelConfig config = RunnelServerExtension.testConfig(dir.resolve("server"));
        config.kafka = kafka.bootstrapServers();
        List<String> acknowledged = new ArrayList<>();
        try (RunnelServer server = RunnelServer.start(config);
             KinesisClient kinesis = KinesisClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + server.port()))
                     .region(Region.US_EAST_1)
                     // A put Kafka was already sending fails at the producer's delivery timeout (10 s).
                     .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(40)))
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("runnel", "runnel")))
                     // What the server answers, not what the SDK's retries make of it; a hang would end here.
                     .overrideConfiguration(c -> c.retryPolicy(RetryPolicy.none()).apiCallTimeout(Duration.ofSeconds(60)))
                     .build()) {
            kinesis.createStream(b -> b.streamName(STREAM).shardCount(1));
            Clients.awaitActive(kinesis, STREAM);
            acknowledged.add(put(kinesis, "before"));

            kafka.close();
            assertThatThrownBy(() -> put(kinesis, "while down")).isInstanceOfSatisfying(KinesisException.class, e -> {
                assertThat(e.statusCode()).isEqualTo(500);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InternalFailure");
            });
            assertThat(kinesis.describeStreamSummary(b -> b.streamName(STREAM)).streamDescriptionSummary().streamName())
                    .isEqualTo(STREAM);

            kafka = EmbeddedKafka.start(dir.resolve("kafka"), "127.0.0.1", "127.0.0.1", port);
            String[] after = {null};
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> (after[0] = put(kinesis, "after")) != null);
            acknowledged.add(after[0]);

            String it = kinesis.getShardIterator(b -> b.streamName(STREAM).shardId("shardId-000000000000")
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            List<Record> records = kinesis.getRecords(b -> b.shardIterator(it)).records();
            assertThat(records).extracting(Record::sequenceNumber).containsAll(acknowledged);
            assertThat(records).extracting(r -> r.data().asUtf8String()).startsWith("before").contains("after");
        } finally {
            kafka.close();
        }
    }

    private static String put(KinesisClient kinesis, String data) {
        return kinesis.putRecord(b -> b.streamName(STREAM).partitionKey("k").data(SdkBytes.fromUtf8String(data))).sequenceNumber();
    }
}
