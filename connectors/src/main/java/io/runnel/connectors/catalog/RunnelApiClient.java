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

    private void call(String target, ObjectNode body) {
        try {
            HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/x-amz-json-1.1").header("X-Amz-Target", target)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build();
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                JsonNode error = JSON.readTree(response.body());
                throw new CatalogException(target.substring(target.indexOf('.') + 1) + " failed: "
                        + error.path("__type").asText("error " + response.statusCode()) + ": " + error.path("message").asText());
            }
        } catch (IOException e) {
            throw new CatalogException("cannot reach the Runnel server at " + endpoint + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CatalogException("interrupted while calling " + target, e);
        }
    }
}
