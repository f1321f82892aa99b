package io.runnel.connectors.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.exceptions.CatalogException;
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
import java.util.Optional;
import java.util.TreeMap;

/**
 * The few control-plane calls the catalog and the table factory make to a Runnel server, in the API's JSON
 * 1.1 form, SigV4-signed (with any key when given none: Kinesis refuses unsigned requests).
 */
public final class RunnelApiClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

    private static final AwsCredentialsIdentity ANY_KEY = AwsCredentialsIdentity.create("runnel", "runnel");

    private final URI endpoint;
    private final AwsCredentialsIdentity credentials;
    private final String region;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private RunnelApiClient(URI endpoint, AwsCredentialsIdentity credentials, String region) {
        this.endpoint = endpoint;
        this.credentials = credentials;
        this.region = region;
    }

    /**
     * A client of the server that options of {@link RunnelCatalogOptions} name: 'endpoint', else {@code runnel.endpoint}
     * of the Flink configuration, else {@value RunnelCatalogOptions#DEFAULT_ENDPOINT}; keys and region likewise.
     */
    public static RunnelApiClient of(ReadableConfig options, ReadableConfig flinkConfiguration) {
        String accessKeyId = options.get(RunnelCatalogOptions.ACCESS_KEY_ID);
        String secret = options.get(RunnelCatalogOptions.SECRET_ACCESS_KEY);
        if ((accessKeyId == null) != (secret == null)) {
            throw new ValidationException("Runnel: '" + RunnelCatalogOptions.ACCESS_KEY_ID.key() + "' and '"
                    + RunnelCatalogOptions.SECRET_ACCESS_KEY.key() + "' go together; set both or neither");
        }
        String endpoint = options.getOptional(RunnelCatalogOptions.ENDPOINT)
                .or(() -> flinkConfiguration.getOptional(RunnelCatalogOptions.FLINK_ENDPOINT))
                .orElse(RunnelCatalogOptions.DEFAULT_ENDPOINT);
        // Kinesis refuses an unsigned request even where it checks no signature: without keys, any will do.
        return new RunnelApiClient(URI.create(endpoint), accessKeyId == null ? ANY_KEY : AwsCredentialsIdentity.create(accessKeyId, secret),
                options.get(RunnelCatalogOptions.REGION));
    }

    public URI endpoint() {
        return endpoint;
    }

    /** The Kafka cluster behind the server's streams, as the server itself tells ({@code Runnel_20261126.DescribeEndpoints}). */
    public String bootstrapServers() {
        String servers = call("Runnel_20261126.DescribeEndpoints", JSON.createObjectNode()).path("KafkaBootstrapServers").asText(null);
        if (servers == null) {
            throw new CatalogException("the Runnel server at " + endpoint + " did not tell its Kafka bootstrap servers");
        }
        return servers;
    }

    void createStream(String stream, int shards) {
        call("Kinesis_20131202.CreateStream", JSON.createObjectNode().put("StreamName", stream).put("ShardCount", shards));
    }

    void deleteStream(String stream) {
        call("Kinesis_20131202.DeleteStream", JSON.createObjectNode().put("StreamName", stream));
    }

    void putStreamTable(String stream, Map<String, String> table) {
        ObjectNode body = JSON.createObjectNode().put("StreamName", stream);
        ObjectNode properties = body.putObject("Table");
        table.forEach(properties::put);
        call("Runnel_20261126.PutStreamTable", body);
    }

    /** The stream's status as this server sees it, or empty once the server knows no such stream. */
    Optional<String> streamStatus(String stream) {
        try {
            JsonNode summary = call("Kinesis_20131202.DescribeStreamSummary", JSON.createObjectNode().put("StreamName", stream));
            return Optional.of(summary.path("StreamDescriptionSummary").path("StreamStatus").asText());
        } catch (StreamNotFound e) {
            return Optional.empty();
        }
    }

    private JsonNode call(String target, ObjectNode body) {
        try {
            byte[] bytes = JSON.writeValueAsBytes(body);
            HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
            headers(target, bytes).forEach((name, values) -> values.forEach(value -> request.header(name, value)));
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            JsonNode reply = JSON.readTree(response.body());
            if (response.statusCode() != 200) {
                String type = reply.path("__type").asText();
                if (type.endsWith("ResourceNotFoundException")) {
                    throw new StreamNotFound(reply.path("message").asText());
                }
                if (type.endsWith("MissingAuthenticationTokenException") || type.endsWith("UnrecognizedClientException")
                        || type.endsWith("InvalidSignatureException")) {
                    throw new CatalogException(target.substring(target.indexOf('.') + 1) + " was refused: " + type + ": "
                            + reply.path("message").asText() + " (the catalog's '" + RunnelCatalogOptions.ACCESS_KEY_ID.key()
                            + "' and '" + RunnelCatalogOptions.SECRET_ACCESS_KEY.key() + "' must be a key the server's --auth accepts)");
                }
                throw new CatalogException(target.substring(target.indexOf('.') + 1) + " failed: "
                        + reply.path("__type").asText("error " + response.statusCode()) + ": " + reply.path("message").asText());
            }
            return reply;
        } catch (IOException e) {
            throw new CatalogException("cannot reach the Runnel server at " + endpoint + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CatalogException("interrupted while calling " + target, e);
        }
    }

    /** The request's headers: those of the request signed as an AWS SDK signs it for Kinesis. */
    private Map<String, List<String>> headers(String target, byte[] body) {
        Map<String, String> headers = Map.of("Content-Type", CONTENT_TYPE, "X-Amz-Target", target);
        return signed(endpoint, headers, body, credentials, region, "kinesis");
    }

    /**
     * The headers of a POST to {@code uri} signed with SigV4 for {@code service}: what a job that calls the server's
     * other APIs (such as Kinesis Video's) sends. Plain Java types only, since the runtime's copy of this class uses
     * a relocated AWS SDK.
     */
    public static Map<String, List<String>> signedPost(URI uri, Map<String, String> headers, byte[] body, String accessKeyId,
                                                        String secretAccessKey, String region, String service) {
        return signed(uri, headers, body, AwsCredentialsIdentity.create(accessKeyId, secretAccessKey), region, service);
    }

    private static Map<String, List<String>> signed(URI uri, Map<String, String> headers, byte[] body,
                                                    AwsCredentialsIdentity credentials, String region, String service) {
        SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(uri);
        headers.forEach(unsigned::putHeader);
        SignedRequest signed = SIGNER.sign(r -> r.identity(credentials).request(unsigned.build())
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        Map<String, List<String>> signedHeaders = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        signedHeaders.putAll(signed.request().headers());
        signedHeaders.remove("Host"); // the HTTP client sets it, to the same value
        return signedHeaders;
    }

    private static final class StreamNotFound extends CatalogException {
        StreamNotFound(String message) {
            super(message);
        }
    }
}
