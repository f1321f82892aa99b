package io.runnel.jobs.video;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.connectors.catalog.RunnelApiClient;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Fetches a stored fragment as any Kinesis Video consumer does, with GetMediaForFragmentList: the job needs only
 * the server's endpoint, wherever and however the server stores fragments.
 */
final class FragmentFetcher {

    private static final int ATTEMPTS = 5;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI endpoint;
    private final String[] key;
    private final String region;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    /** @param key an access key id and its secret, or null when the server does not authenticate */
    FragmentFetcher(URI endpoint, String[] key, String region) {
        this.endpoint = endpoint.resolve("/getMediaForFragmentList");
        this.key = key;
        this.region = region;
    }

    /**
     * The fragment as a Matroska file, or empty if the server no longer has it (retention dropped it). A server
     * that cannot be reached or fails is asked again a few times; then this throws, and the job restarts.
     */
    Optional<byte[]> fetch(String stream, String fragmentNumber) throws IOException, InterruptedException {
        ObjectNode request = JSON.createObjectNode().put("StreamName", stream);
        request.putArray("Fragments").add(fragmentNumber);
        byte[] body = JSON.writeValueAsBytes(request);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            if (attempt > 1) {
                Thread.sleep(500L << attempt); // the server restarting or busy: give it time
            }
            HttpRequest.Builder post = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            if (key == null) {
                headers.forEach(post::header);
            } else {
                RunnelApiClient.signedPost(endpoint, headers, body, key[0], key[1], region, "kinesisvideo")
                        .forEach((name, values) -> values.forEach(value -> post.header(name, value)));
            }
            HttpResponse<byte[]> response;
            try {
                response = http.send(post.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                last = new IOException("cannot reach the Runnel server at " + endpoint + ": " + e, e);
                continue;
            }
            if (response.statusCode() == 200) {
                return Optional.of(response.body());
            }
            String error = new String(response.body(), StandardCharsets.UTF_8);
            if (response.statusCode() == 404 && error.contains("ResourceNotFoundException")) {
                return Optional.empty();
            }
            last = new IOException("GetMediaForFragmentList of fragment " + fragmentNumber + " of " + stream + " answered "
                    + response.statusCode() + ": " + error);
            if (response.statusCode() < 500 && response.statusCode() != 429) {
                throw last; // asking again would be refused again
            }
        }
        throw last;
    }
}
