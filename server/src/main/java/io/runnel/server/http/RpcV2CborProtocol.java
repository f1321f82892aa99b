package io.runnel.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.runnel.server.api.QueryService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Answers Smithy RPC v2 CBOR requests, the form newer AWS SDKs send to CloudWatch: {@code POST
 * /service/<service>/operation/<operation>} with a CBOR body (gzipped when large), answered in CBOR. The services are
 * Query-compatible: an error carries its Query code in {@code __type} and in {@code x-amzn-query-error}.
 */
final class RpcV2CborProtocol {

    private static final Logger LOG = LoggerFactory.getLogger(RpcV2CborProtocol.class);
    private static final Pattern PATH = Pattern.compile("/service/([^/]+)/operation/([^/]+)");
    private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());

    private final Map<String, QueryService> services;
    private final SigV4Authenticator authenticator;

    RpcV2CborProtocol(List<QueryService> services, SigV4Authenticator authenticator) {
        this.services = services.stream().filter(s -> s.rpcV2Name() != null)
                .collect(Collectors.toUnmodifiableMap(QueryService::rpcV2Name, Function.identity()));
        this.authenticator = authenticator;
    }

    static boolean isRpcV2(HttpServerRequest req) {
        return "rpc-v2-cbor".equals(req.getHeader("smithy-protocol")) && req.path().startsWith("/service/");
    }

    void dispatch(HttpServerRequest req, byte[] body) {
        String requestId = req.response().headers().get("x-amzn-RequestId");
        req.response().putHeader("smithy-protocol", "rpc-v2-cbor");
        try {
            Matcher m = PATH.matcher(req.path());
            QueryService service = m.matches() ? services.get(m.group(1)) : null;
            if (service == null) {
                throw new ApiException("UnknownOperationException", 404, null);
            }
            QueryService.Action operation = service.actions().get(m.group(2));
            if (operation == null) {
                throw ApiException.badRequest("InvalidAction", "Could not find operation " + m.group(2) + " for version "
                        + service.version());
            }
            authenticator.requireSigned(req, body);
            JsonNode input = read(RequestCompression.inflated(req, body, "SerializationException"));
            SigV4Authenticator.Scope scope = SigV4Authenticator.scope(req);
            Map<String, String> result = operation.handle(input, scope == null ? null : scope.accessKeyId());
            if (result == null) {
                req.response().setStatusCode(200).putHeader("Content-Length", "0").end();
            } else {
                ObjectNode out = CBOR.createObjectNode();
                result.forEach(out::put);
                send(req, 200, out);
            }
        } catch (ApiException e) {
            if (e.status() >= 500) {
                LOG.error("RPC v2 request {} failed", requestId, e);
            }
            fail(req, e);
        } catch (RuntimeException e) {
            LOG.error("RPC v2 request {} failed", requestId, e);
            fail(req, new ApiException("InternalServiceError", 500, "An internal error occurred."));
        }
    }

    private static JsonNode read(byte[] body) {
        if (body.length == 0) {
            return CBOR.createObjectNode();
        }
        try {
            JsonNode node = CBOR.readTree(body);
            if (node == null || !node.isObject()) {
                throw ApiException.badRequest("SerializationException", "the body is not a CBOR map");
            }
            return node;
        } catch (IOException e) {
            throw ApiException.badRequest("SerializationException", "the body is not CBOR: " + e.getMessage());
        }
    }

    private static void fail(HttpServerRequest req, ApiException e) {
        ObjectNode body = CBOR.createObjectNode().put("__type", e.type());
        if (e.getMessage() != null) {
            body.put("message", e.getMessage());
        }
        req.response().putHeader("x-amzn-query-error", e.type() + ";" + (e.status() >= 500 ? "Receiver" : "Sender"));
        send(req, e.status(), body);
    }

    private static void send(HttpServerRequest req, int status, JsonNode body) {
        byte[] bytes;
        try {
            bytes = CBOR.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write CBOR", e);
        }
        req.response().setStatusCode(status).putHeader("Content-Type", "application/cbor")
                .putHeader("Content-Length", Integer.toString(bytes.length)).end(Buffer.buffer(bytes));
    }
}
