package io.runnel.server.console;

import io.runnel.server.RunnelConfig;
import io.runnel.server.RunnelServer;
import io.runnel.server.testing.PrometheusText;
import io.runnel.server.testing.RunnelServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** With credentials configured, the console and /metrics are as closed as the API: a session or basic auth, or nothing. */
@ExtendWith(RunnelServerExtension.class)
class ConsoleAuthTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static RunnelServer server;

    @BeforeAll
    static void start() throws Exception {
        RunnelConfig config = RunnelServerExtension.testConfig(Files.createTempDirectory("runnel-console-auth"));
        config.kafka = RunnelServerExtension.server().server.bootstrapServers();
        config.metadataTopic = "runnel-console-auth-metadata";
        config.auth = "AKIDRUNNEL:right-secret";
        server = RunnelServer.start(config);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String key, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((key + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    private static HttpRequest.Builder listStreams() {
        return HttpRequest.newBuilder(uri("/console/api")).header("X-Amz-Target", "Kinesis_20131202.ListStreams")
                .header("Content-Type", "application/x-amz-json-1.1").POST(HttpRequest.BodyPublishers.ofString("{}"));
    }

    @Test
    void metricsTakeBasicAuthWithAnAccessKeyAndItsSecret() throws Exception {
        HttpResponse<String> none = send(HttpRequest.newBuilder(uri("/metrics")));
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"Runnel\", charset=\"UTF-8\"");
        assertThat(none.body()).doesNotContain("kinesis_");
        assertThat(send(HttpRequest.newBuilder(uri("/metrics")).header("Authorization", basic("AKIDRUNNEL", "wrong"))).statusCode())
                .isEqualTo(401);
        assertThat(send(HttpRequest.newBuilder(uri("/metrics")).header("Authorization", basic("AKIDOTHER", "right-secret"))).statusCode())
                .isEqualTo(401);
        assertThat(send(HttpRequest.newBuilder(uri("/metrics")).header("Authorization", "Basic not-base64!")).statusCode()).isEqualTo(401);
        HttpResponse<String> right = send(HttpRequest.newBuilder(uri("/metrics")).header("Authorization", basic("AKIDRUNNEL", "right-secret")));
        assertThat(right.statusCode()).isEqualTo(200);
        PrometheusText.parse(right.body());
    }

    @Test
    void theConsoleNeedsASessionThatOnlyTheRightSecretGets() throws Exception {
        // The page itself holds nothing: it loads, and asks to sign in.
        assertThat(send(HttpRequest.newBuilder(uri("/")).header("Accept", "text/html")).statusCode()).isEqualTo(200);
        assertThat(send(HttpRequest.newBuilder(uri("/console/session"))).body()).isEqualTo("{\"authRequired\":true,\"signedIn\":false}");

        assertThat(send(listStreams()).statusCode()).isEqualTo(401);
        assertThat(send(HttpRequest.newBuilder(uri("/console/events"))).statusCode()).isEqualTo(401);
        assertThat(send(HttpRequest.newBuilder(uri("/console/delivered?name=x"))).statusCode()).isEqualTo(401);
        assertThat(send(listStreams().header("Cookie", "runnel-session=made-up")).statusCode()).isEqualTo(401);

        HttpResponse<String> wrong = send(HttpRequest.newBuilder(uri("/console/session")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"accessKeyId\":\"AKIDRUNNEL\",\"secretAccessKey\":\"wrong\"}")));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();

        HttpResponse<String> right = send(HttpRequest.newBuilder(uri("/console/session")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"accessKeyId\":\"AKIDRUNNEL\",\"secretAccessKey\":\"right-secret\"}")));
        assertThat(right.statusCode()).isEqualTo(200);
        String setCookie = right.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).containsIgnoringCase("HttpOnly").contains("SameSite=Strict");
        String cookie = setCookie.split(";", 2)[0];

        HttpResponse<String> listed = send(listStreams().header("Cookie", cookie));
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(listed.body()).contains("StreamNames");
        assertThat(send(HttpRequest.newBuilder(uri("/metrics")).header("Cookie", cookie)).statusCode()).isEqualTo(200);
        assertThat(send(HttpRequest.newBuilder(uri("/console/session")).header("Cookie", cookie)).body())
                .isEqualTo("{\"authRequired\":true,\"signedIn\":true}");

        // Basic auth is for /metrics: the console's gateway to the APIs takes a session only.
        assertThat(send(listStreams().header("Authorization", basic("AKIDRUNNEL", "right-secret"))).statusCode()).isEqualTo(401);

        // Signing out ends the session, and the live events it had open.
        HttpResponse<java.io.InputStream> events = HTTP.send(HttpRequest.newBuilder(uri("/console/events")).header("Cookie", cookie).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(events.statusCode()).isEqualTo(200);
        send(HttpRequest.newBuilder(uri("/console/session")).header("Cookie", cookie).DELETE());
        assertThat(send(listStreams().header("Cookie", cookie)).statusCode()).isEqualTo(401);
        java.util.concurrent.CompletableFuture<byte[]> rest = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try (java.io.InputStream body = events.body()) {
                return body.readAllBytes(); // returns once the server ends the stream
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertThat(rest.get(30, java.util.concurrent.TimeUnit.SECONDS)).isNotNull();
        // And the API itself still wants a signature: the console's way in is not the API's.
        HttpResponse<String> unsigned = send(HttpRequest.newBuilder(uri("/")).header("X-Amz-Target", "Kinesis_20131202.ListStreams")
                .header("Content-Type", "application/x-amz-json-1.1").POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(unsigned.statusCode()).isEqualTo(400);
        assertThat(unsigned.body()).contains("MissingAuthenticationTokenException");
    }
}
