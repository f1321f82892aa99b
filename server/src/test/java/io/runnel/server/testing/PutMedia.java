package io.runnel.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A PutMedia producer as the AWS SDKs have none: one chunked POST of Matroska to {@code /putMedia}, reading the
 * acknowledgements, one JSON object per line, once the body is sent.
 */
public final class PutMedia {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    public record Result(int status, String body, List<JsonNode> acks) {

        public List<JsonNode> acks(String type) {
            return acks.stream().filter(a -> a.path("EventType").asText().equals(type)).toList();
        }
    }

    private PutMedia() {
    }

    /** Sends the bytes, chunked, with the given headers (name, value, name, value...). */
    public static Result put(URI endpoint, byte[] matroska, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint.resolve("/putMedia")).timeout(Duration.ofMinutes(2))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(matroska)));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        List<JsonNode> acks = new ArrayList<>();
        if (response.statusCode() == 200) {
            for (String line : response.body().split("\n")) {
                if (!line.isBlank()) {
                    acks.add(JSON.readTree(line));
                }
            }
        }
        return new Result(response.statusCode(), response.body(), acks);
    }
}
