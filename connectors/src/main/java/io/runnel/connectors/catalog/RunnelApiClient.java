package io.runnel.connectors.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.table.catalog.exceptions.CatalogException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The few control-plane calls the catalog makes to a Runnel server, in the API's JSON 1.1 form. */
final class RunnelApiClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI endpoint;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    RunnelApiClient(String endpoint) {
        this.endpoint = URI.create(endpoint);
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
            HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/x-amz-json-1.1").header("X-Amz-Target", target)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build();
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            JsonNode reply = JSON.readTree(response.body());
            if (response.statusCode() != 200) {
                if (reply.path("__type").asText().endsWith("ResourceNotFoundException")) {
                    throw new StreamNotFound(reply.path("message").asText());
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

    private static final class StreamNotFound extends CatalogException {
        StreamNotFound(String message) {
            super(message);
        }
    }
}
