package io.runnel.server.api.kinesis;

import io.runnel.server.testing.RunnelServerExtension;
import io.runnel.server.testing.SignedRequests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What Kinesis answers before it reads an operation's input: methods, content types, signatures, CORS. */
@ExtendWith(RunnelServerExtension.class)
class ConnectionLevelTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String JSON = "application/x-amz-json-1.1";
    private static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.UTF_8);

    private static URI endpoint() {
        return RunnelServerExtension.server().endpoint();
    }

    private static HttpRequest.Builder unsigned(String target) {
        return HttpRequest.newBuilder(endpoint()).header("Content-Type", JSON).header("X-Amz-Target", target)
                .POST(HttpRequest.BodyPublishers.ofByteArray(EMPTY_OBJECT));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anythingButPostIsAnXmlAccessDenied() throws Exception {
        for (String method : new String[] {"GET", "PUT", "DELETE"}) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(endpoint()).method(method, HttpRequest.BodyPublishers.noBody()));
            assertThat(r.statusCode()).as(method).isEqualTo(403);
            assertThat(r.headers().firstValue("Content-Type")).as(method).isEmpty();
            assertThat(r.body()).as(method).isEqualTo("<AccessDeniedException>\n  <Message>Unable to determine service/operation "
                    + "name to be authorized</Message>\n</AccessDeniedException>\n");
        }
    }

    @Test
    void plainJsonGetsCoralsEnvelope() throws Exception {
        HttpResponse<String> known = send(SignedRequests.post(endpoint(), Map.of("Content-Type", "application/json",
                "X-Amz-Target", "Kinesis_20131202.ListStreams"), EMPTY_OBJECT, "kinesis"));
        assertThat(known.statusCode()).isEqualTo(200);
        assertThat(known.body()).isEqualTo("{\"Output\":{\"__type\":\"com.amazon.coral.service#UnknownOperationException\","
                + "\"message\":null},\"Version\":\"1.0\"}");
        HttpResponse<String> broken = send(SignedRequests.post(endpoint(), Map.of("Content-Type", "application/json",
                "X-Amz-Target", "Kinesis_20131202.ListStreams"), "{".getBytes(StandardCharsets.UTF_8), "kinesis"));
        assertThat(broken.body()).isEqualTo("{\"Output\":{\"__type\":\"com.amazon.coral.service#SerializationException\","
                + "\"Message\":null},\"Version\":\"1.0\"}");
    }

    @Test
    void aRequestMustCarryAWellFormedSignatureEvenWhenNoneIsChecked() throws Exception {
        HttpResponse<String> none = send(unsigned("Kinesis_20131202.ListStreams"));
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(none.body()).isEqualTo("{\"__type\":\"MissingAuthenticationTokenException\",\"message\":\"Missing Authentication Token\"}");

        String partial = "AWS4-HMAC-SHA256 Credential=runnel/20261201/us-east-1/kinesis/aws4_request";
        HttpResponse<String> incomplete = send(unsigned("Kinesis_20131202.ListStreams").header("Authorization", partial));
        assertThat(incomplete.body()).isEqualTo("{\"__type\":\"IncompleteSignatureException\",\"message\":\"Authorization header "
                + "requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header "
                + "requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=" + partial + "\"}");

        HttpResponse<String> both = send(HttpRequest.newBuilder(URI.create(endpoint() + "/?X-Amz-Algorithm=AWS4-HMAC-SHA256"))
                .header("Content-Type", JSON).header("X-Amz-Target", "Kinesis_20131202.ListStreams").header("Authorization", partial)
                .POST(HttpRequest.BodyPublishers.ofByteArray(EMPTY_OBJECT)));
        assertThat(both.body()).isEqualTo("{\"__type\":\"InvalidSignatureException\",\"message\":\"Found both 'X-Amz-Algorithm' "
                + "as a query-string param and 'Authorization' as HTTP header.\"}");

        HttpResponse<String> query = send(HttpRequest.newBuilder(URI.create(endpoint() + "/?X-Amz-Algorithm=AWS4-HMAC-SHA256"))
                .header("Content-Type", JSON).header("X-Amz-Target", "Kinesis_20131202.ListStreams")
                .POST(HttpRequest.BodyPublishers.ofByteArray(EMPTY_OBJECT)));
        assertThat(query.body()).isEqualTo("{\"__type\":\"IncompleteSignatureException\",\"message\":\"AWS query-string parameters "
                + "must include 'X-Amz-Credential'. AWS query-string parameters must include 'X-Amz-Signature'. AWS query-string "
                + "parameters must include 'X-Amz-SignedHeaders'. AWS query-string parameters must include 'X-Amz-Date'. "
                + "Re-examine the query-string parameters.\"}");

        String date = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"));
        HttpResponse<String> anyKey = send(unsigned("Kinesis_20131202.ListStreams").header("X-Amz-Date", date).header("Authorization",
                "AWS4-HMAC-SHA256 Credential=anyone/20261201/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=" + "0".repeat(64)));
        assertThat(anyKey.statusCode()).as(anyKey.body()).isEqualTo(200);
    }

    @Test
    void anUnknownOperationIsCheckedBeforeTheSignature() throws Exception {
        HttpResponse<String> r = send(unsigned("Kinesis_20131202.Explode"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).isEqualTo("{\"__type\":\"UnknownOperationException\"}");
    }

    @Test
    void browsersGetKinesissCorsHeaders() throws Exception {
        HttpResponse<String> preflight = send(HttpRequest.newBuilder(endpoint()).header("Origin", "http://localhost:3000")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type,x-amz-target,authorization,x-amz-date")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(preflight.body()).isEmpty();
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods")).hasValue("POST");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers")).hasValue("content-type,x-amz-target,authorization,x-amz-date");
        assertThat(preflight.headers().firstValue("Access-Control-Max-Age")).hasValue("172800");

        HttpResponse<String> call = send(SignedRequests.post(endpoint(), Map.of("Content-Type", JSON, "X-Amz-Target",
                "Kinesis_20131202.ListStreams", "Origin", "http://localhost:3000"), EMPTY_OBJECT, "kinesis"));
        assertThat(call.statusCode()).isEqualTo(200);
        assertThat(call.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(call.headers().firstValue("Access-Control-Expose-Headers"))
                .hasValue("x-amzn-RequestId,x-amzn-ErrorType,x-amz-request-id,x-amz-id-2,x-amzn-ErrorMessage,Date");
        assertThat(call.headers().firstValue("x-amz-id-2")).isPresent();
    }
}
