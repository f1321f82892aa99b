package io.runnel.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A session of Flink's SQL Gateway, through its REST API, as a remote client or a notebook uses it. */
final class SqlGateway {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final URI gateway;
    private final String session;

    private SqlGateway(URI gateway, String session) {
        this.gateway = gateway;
        this.session = session;
    }

    static SqlGateway open(URI gateway, Map<String, String> properties) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        properties.forEach(body.putObject("properties")::put);
        return new SqlGateway(gateway, post(gateway.resolve("/v1/sessions"), body).path("sessionHandle").asText());
    }

    /** Runs a statement to its end and returns its rows (each a {@code {"kind": ..., "fields": [...]}}). */
    List<JsonNode> run(String statement) throws IOException, InterruptedException {
        String operation = post(gateway.resolve("/v1/sessions/" + session + "/statements"),
                JSON.createObjectNode().put("statement", statement)).path("operationHandle").asText();
        List<JsonNode> rows = new ArrayList<>();
        AtomicReference<String> next = new AtomicReference<>("/v1/sessions/" + session + "/operations/" + operation + "/result/0?rowFormat=JSON");
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonNode page = get(gateway.resolve(next.get()));
            page.path("results").path("data").forEach(rows::add);
            if (page.path("resultType").asText().equals("EOS")) {
                return true;
            }
            next.set(page.path("nextResultUri").asText(next.get()));
            return false;
        });
        return rows;
    }

    /** Each row's fields as text, joined by commas. */
    List<String> lines(String statement) throws IOException, InterruptedException {
        List<String> lines = new ArrayList<>();
        for (JsonNode row : run(statement)) {
            List<String> fields = new ArrayList<>();
            row.path("fields").forEach(field -> fields.add(field.asText()));
            lines.add(String.join(",", fields));
        }
        return lines;
    }

    private static JsonNode post(URI uri, JsonNode body) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("POST %s: %s", uri, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static JsonNode get(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", uri, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
