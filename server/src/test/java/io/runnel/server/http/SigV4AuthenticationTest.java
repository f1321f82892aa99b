package io.runnel.server.http;

import io.runnel.server.RunnelConfig;
import io.runnel.server.RunnelServer;
import io.runnel.server.testing.Clients;
import io.runnel.server.testing.RunnelServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.KinesisException;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** With credentials configured, only requests SigV4-signed by them get through, and refusals look like Kinesis's. */
@ExtendWith(RunnelServerExtension.class)
class SigV4AuthenticationTest {

    private static RunnelServer server;
    private static URI endpoint;

    @BeforeAll
    static void startWithCredentials() throws Exception {
        RunnelConfig config = RunnelServerExtension.testConfig(Files.createTempDirectory("runnel-auth"));
        config.kafka = RunnelServerExtension.server().server.bootstrapServers();
        config.auth = "AKIDRUNNEL:right-secret,AKIDOTHER:other-secret";
        server = RunnelServer.start(config);
        endpoint = URI.create("http://127.0.0.1:" + server.port());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static KinesisClient client(String id, String secret) {
        return KinesisClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(id, secret))).build();
    }

    @ParameterizedTest
    @EnumSource(Clients.Mode.class)
    void signedRequestsGetThrough(Clients.Mode mode) {
        String previous = System.getProperty("aws.cborEnabled");
        if (mode == Clients.Mode.SYNC_JSON) {
            System.setProperty("aws.cborEnabled", "false");
        }
        try (KinesisClient kinesis = Clients.of(mode, endpoint, AwsBasicCredentials.create("AKIDOTHER", "other-secret"))) {
            assertThat(kinesis.listStreams(b -> b.limit(1)).hasMoreStreams()).isNotNull();
            assertThatThrownBy(() -> kinesis.describeStream(b -> b.streamName("no-such-stream")))
                    .hasMessageContaining("Stream no-such-stream under account 000000000000 not found.");
        } finally {
            if (previous == null) {
                System.clearProperty("aws.cborEnabled");
            } else {
                System.setProperty("aws.cborEnabled", previous);
            }
        }
    }

    @Test
    void aWrongSecretIsAnInvalidSignature() {
        try (KinesisClient kinesis = client("AKIDRUNNEL", "wrong-secret")) {
            assertThatThrownBy(() -> kinesis.listStreams(b -> {})).isInstanceOfSatisfying(KinesisException.class, e -> {
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
                assertThat(e.statusCode()).isEqualTo(400);
                assertThat(e.awsErrorDetails().errorMessage()).startsWith("The request signature we calculated does not match the signature you provided.");
            });
        }
    }

    @Test
    void stsChecksSignaturesTooAndRefusesWithItsOwnCodes() {
        java.util.function.BiFunction<String, String, software.amazon.awssdk.services.sts.StsClient> sts = (id, secret) ->
                software.amazon.awssdk.services.sts.StsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(id, secret))).build();
        try (var right = sts.apply("AKIDRUNNEL", "right-secret"); var wrong = sts.apply("AKIDRUNNEL", "wrong-secret");
             var nobody = sts.apply("AKIDNOBODY", "right-secret")) {
            assertThat(right.getCallerIdentity().userId()).isEqualTo("AKIDRUNNEL");
            assertThatThrownBy(wrong::getCallerIdentity).isInstanceOfSatisfying(AwsServiceException.class, e -> {
                assertThat(e.statusCode()).isEqualTo(403);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch");
            });
            assertThatThrownBy(nobody::getCallerIdentity).isInstanceOfSatisfying(AwsServiceException.class, e -> {
                assertThat(e.statusCode()).isEqualTo(403);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidClientTokenId");
            });
        }
    }

    @Test
    void anUnknownKeyIsUnrecognized() {
        try (KinesisClient kinesis = client("AKIDNOBODY", "right-secret")) {
            assertThatThrownBy(() -> kinesis.listStreams(b -> {})).isInstanceOfSatisfying(KinesisException.class, e -> {
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException");
                assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("The security token included in the request is invalid.");
            });
        }
    }

    @Test
    void unsignedAndOldRequestsAreRefused() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> unsigned = http.send(HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/x-amz-json-1.1").header("X-Amz-Target", "Kinesis_20131202.ListStreams")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unsigned.statusCode()).isEqualTo(400);
        assertThat(unsigned.body()).contains("\"__type\":\"MissingAuthenticationTokenException\"").contains("Missing Authentication Token");

        HttpResponse<String> garbled = http.send(HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/x-amz-json-1.1").header("X-Amz-Target", "Kinesis_20131202.ListStreams")
                .header("Authorization", "AWS4-HMAC-SHA256 Signature=abc")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(garbled.body()).contains("\"__type\":\"IncompleteSignatureException\"");

        // Signed correctly, but twenty minutes ago.
        SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(endpoint)
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", "Kinesis_20131202.ListStreams").build();
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsCredentialsIdentity.create("AKIDRUNNEL", "right-secret"))
                .request(request).payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "kinesis")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(Instant.now().minus(Duration.ofMinutes(20)), ZoneOffset.UTC)));
        HttpRequest.Builder old = HttpRequest.newBuilder(endpoint).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (Map.Entry<String, List<String>> h : signed.request().headers().entrySet()) {
            if (!h.getKey().equalsIgnoreCase("Host")) {
                h.getValue().forEach(v -> old.header(h.getKey(), v));
            }
        }
        HttpResponse<String> expired = http.send(old.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(expired.statusCode()).isEqualTo(400);
        assertThat(expired.body()).contains("\"__type\":\"InvalidSignatureException\"").contains("Signature expired");
    }
}
