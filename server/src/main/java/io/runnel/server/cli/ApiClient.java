package io.runnel.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The command line's client of a Runnel server: AWS JSON 1.1 calls, SigV4-signed with the caller's keys
 * ({@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, or any when the server requires none).
 */
final class ApiClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

    final URI endpoint;
    final AwsCredentialsIdentity credentials;
    final String region;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    ApiClient(URI endpoint) {
        this.endpoint = endpoint;
        String key = System.getenv().getOrDefault("AWS_ACCESS_KEY_ID", "runnel");
        String secret = System.getenv().getOrDefault("AWS_SECRET_ACCESS_KEY", "runnel");
        this.credentials = AwsCredentialsIdentity.create(key, secret);
        this.region = System.getenv().getOrDefault("AWS_REGION", System.getenv().getOrDefault("AWS_DEFAULT_REGION", "us-east-1"));
    }

    /** An error the server answered: its AWS exception type and message. */
    static final class ApiError extends RuntimeException {
        final String type;

        ApiError(String type, String message) {
            super(type + ": " + message);
            this.type = type;
        }
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    JsonNode analytics(String operation, ObjectNode body) {
        return call("KinesisAnalytics_20180523." + operation, "kinesisanalytics", body);
    }

    JsonNode runnel(String operation, ObjectNode body) {
        return call("Runnel_20261126." + operation, "kinesis", body);
    }

    /**
     * Headers that sign a request to {@code uri} with these headers, as if its body were {@code payload}: a streaming
     * body (PutMedia) is signed as empty, which is how the server checks it.
     */
    Map<String, List<String>> signed(URI uri, Map<String, String> headers, byte[] payload, String signingName) {
        SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(uri);
        headers.forEach(unsigned::putHeader);
        SignedRequest signed = SIGNER.sign(r -> r.identity(credentials).request(unsigned.build())
                .payload(ContentStreamProvider.fromByteArray(payload))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, signingName)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        Map<String, List<String>> out = new java.util.LinkedHashMap<>();
        signed.request().headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Host")) {
                out.put(name, values);
            }
        });
        return out;
    }

    private JsonNode call(String target, String signingName, ObjectNode body) {
        try {
            byte[] bytes = JSON.writeValueAsBytes(body);
            SdkHttpRequest unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(endpoint)
                    .putHeader("Content-Type", "application/x-amz-json-1.1").putHeader("X-Amz-Target", target).build();
            SignedRequest signed = SIGNER.sign(r -> r.identity(credentials).request(unsigned)
                    .payload(ContentStreamProvider.fromByteArray(bytes))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, signingName)
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region));
            HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
            signed.request().headers().forEach((name, values) -> {
                if (!name.equalsIgnoreCase("Host")) {
                    values.forEach(v -> request.header(name, v));
                }
            });
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            JsonNode reply = response.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(response.body());
            if (response.statusCode() != 200) {
                throw new ApiError(reply.path("__type").asText("HTTP " + response.statusCode()),
                        reply.path("message").asText(reply.path("Message").asText("")));
            }
            return reply;
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach the Runnel server at " + endpoint + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
