package io.runnel.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.api.ApiService;
import io.runnel.server.api.QueryService;
import io.runnel.server.api.Request;
import io.runnel.server.api.RestOperation;
import io.runnel.server.api.validation.Validator;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP front of the AWS-compatible APIs: POST with an X-Amz-Target header naming service and
 * operation, a JSON or CBOR body, and AWS-shaped errors; or, for REST-JSON services (Kinesis Video Streams),
 * POST to a path naming the operation. Every failure becomes an error response; none reaches the caller as a
 * stack trace or a dropped connection.
 */
public final class ApiHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiHttpServer.class);
    /** PutRecords carries at most 5 MiB of data, which base64 in JSON makes about 7 MiB. */
    static final int MAX_BODY_BYTES = 8 * 1024 * 1024;
    private static final int INITIAL_BODY_BYTES = 256 * 1024;
    /** An oversized body is read and dropped up to this size, so the client can read the 413; past it the connection closes. */
    private static final long MAX_DRAINED_BYTES = 64L * 1024 * 1024;

    private final Vertx vertx;
    private final Map<String, List<ApiService>> services = new HashMap<>();
    private final Map<String, RestOperation> restOperations;
    private final SigV4Authenticator authenticator;
    private HttpServer server;
    private String host;
    private TlsFront tls;
    private final QueryProtocol query;
    private final RpcV2CborProtocol rpcV2;
    private volatile WebRoutes web;

    /** What the port serves besides the APIs (the console, /metrics, /health): it answers a request it takes itself. */
    public interface WebRoutes {
        /** @return whether it took the request */
        boolean handles(HttpServerRequest req);
    }

    /** Several services may share a target: each adds operations of its own. */
    public ApiHttpServer(Vertx vertx, List<ApiService> services, SigV4Authenticator authenticator) {
        this(vertx, services, Map.of(), List.of(), authenticator);
    }

    /**
     * @param restOperations the operations of REST-JSON services, by request path
     * @param queryServices  the services of the AWS Query protocol
     */
    public ApiHttpServer(Vertx vertx, List<ApiService> services, Map<String, RestOperation> restOperations,
                         List<QueryService> queryServices, SigV4Authenticator authenticator) {
        this.vertx = vertx;
        this.query = new QueryProtocol(queryServices, authenticator);
        this.rpcV2 = new RpcV2CborProtocol(queryServices, authenticator);
        this.restOperations = Map.copyOf(restOperations);
        for (ApiService service : services) {
            this.services.computeIfAbsent(service.target(), t -> new ArrayList<>()).add(service);
        }
        this.authenticator = authenticator;
    }

    private ApiService.Operation operation(String target, String name) {
        for (ApiService service : services.getOrDefault(target, List.of())) {
            ApiService.Operation operation = service.operation(name);
            if (operation != null) {
                return operation;
            }
        }
        return null;
    }

    /** Has {@code routes} look at every request before the APIs do. */
    public void web(WebRoutes routes) {
        this.web = routes;
    }

    /** Starts listening and returns the bound port. */
    public int start(String host, int port) throws Exception {
        HttpServerOptions options = new HttpServerOptions().setHost(host).setPort(port)
                .setMaxHeaderSize(64 * 1024).setCompressionSupported(false).setTcpNoDelay(true);
        server = vertx.createHttpServer(options).requestHandler(this::receive);
        server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        this.host = host;
        return server.actualPort();
    }

    /** Serves the API over TLS as well, on {@code port} (0 picks a free one), once {@link #start} has; returns the port. */
    public int startTls(int port, ServerCertificate certificate) throws Exception {
        String plainHost = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        tls = TlsFront.start(vertx, host, port, certificate, plainHost, server.actualPort());
        return tls.port();
    }

    private void receive(HttpServerRequest req) {
        String requestId = UUID.randomUUID().toString();
        req.response().putHeader("x-amzn-RequestId", requestId);
        req.exceptionHandler(e -> LOG.debug("request {} broke off: {}", requestId, e.toString()));
        WebRoutes routes = web;
        if (routes != null && routes.handles(req)) {
            return;
        }
        if (answeredCors(req)) {
            return;
        }
        RestOperation rest = req.getHeader("X-Amz-Target") == null ? restOperations.get(req.path()) : null;
        if (rest instanceof RestOperation.Streaming streaming) {
            stream(req, streaming);
            return;
        }
        if (rest instanceof RestOperation.Get get) {
            get(req, get);
            return;
        }
        long length = parseLong(req.getHeader("Content-Length"));
        if (length > MAX_BODY_BYTES) {
            tooLarge(req, 0);
            return;
        }
        // Sized from Content-Length, so a put is not copied as its buffer grows; only up to what a large put needs, as
        // a client may claim a length it never sends.
        Buffer body = Buffer.buffer((int) Math.min(Math.max(length, 0), INITIAL_BODY_BYTES));
        req.handler(chunk -> {
            if (body.length() + chunk.length() > MAX_BODY_BYTES) {
                tooLarge(req, body.length() + chunk.length());
                return;
            }
            body.appendBuffer(chunk);
        });
        req.endHandler(v -> {
            if (rest == null && RpcV2CborProtocol.isRpcV2(req)) {
                rpcV2.dispatch(req, body.getBytes());
            } else if (rest != null) {
                dispatchRest(req, rest, body.getBytes());
            } else {
                dispatch(req, body.getBytes());
            }
        });
    }

    /**
     * Kinesis's CORS: a request with an Origin may come from anywhere and sees the AWS headers; a preflight (OPTIONS
     * with an Origin) is allowed whatever it asks for, for two days, and answered at once.
     *
     * @return true when the request was a preflight, now answered
     */
    private static boolean answeredCors(HttpServerRequest req) {
        HttpServerResponse response = req.response();
        boolean preflight = req.method() == HttpMethod.OPTIONS && req.getHeader("Origin") != null;
        if (!preflight) {
            byte[] id2 = new byte[72];
            java.util.concurrent.ThreadLocalRandom.current().nextBytes(id2);
            response.putHeader("x-amz-id-2", java.util.Base64.getEncoder().encodeToString(id2));
        }
        if (req.getHeader("Origin") == null) {
            return false;
        }
        response.putHeader("Access-Control-Allow-Origin", "*");
        if (!preflight) {
            response.putHeader("Access-Control-Expose-Headers",
                    "x-amzn-RequestId,x-amzn-ErrorType,x-amz-request-id,x-amz-id-2,x-amzn-ErrorMessage,Date");
            return false;
        }
        String headers = req.getHeader("Access-Control-Request-Headers");
        if (headers != null) {
            response.putHeader("Access-Control-Allow-Headers", headers);
        }
        String method = req.getHeader("Access-Control-Request-Method");
        if (method != null) {
            response.putHeader("Access-Control-Allow-Methods", method);
        }
        response.putHeader("Access-Control-Max-Age", "172800");
        drain(req, 0);
        response.setStatusCode(200).putHeader("Content-Length", "0").end();
        return true;
    }

    /**
     * Hands a request to an operation that reads its body itself. An error it raises before reading is answered at
     * once; the client may still be sending, so the rest of its body is read and dropped: closing under it would
     * reset the connection, and the client could lose the answer.
     */
    private void stream(HttpServerRequest req, RestOperation.Streaming operation) {
        try {
            requireMethod(req, HttpMethod.POST);
            authenticator.check(req, new byte[0]);
            operation.handler().accept(req);
        } catch (RuntimeException e) {
            drain(req, 0);
            fail(req, WireFormat.JSON, "application/json", e);
        }
    }

    private static void get(HttpServerRequest req, RestOperation.Get operation) {
        try {
            requireMethod(req, HttpMethod.GET, HttpMethod.HEAD);
            operation.handler().apply(req).whenComplete((v, error) -> {
                if (error != null) {
                    fail(req, WireFormat.JSON, "application/json", error);
                }
            });
        } catch (RuntimeException e) {
            fail(req, WireFormat.JSON, "application/json", e);
        }
    }

    /** A REST operation answers its own methods only, as AWS's REST services do. */
    private static void requireMethod(HttpServerRequest req, HttpMethod... allowed) {
        if (!java.util.Arrays.asList(allowed).contains(req.method())) {
            throw new ApiException("InvalidArgumentException", 400, "Use " + allowed[0] + " for " + req.path() + ".");
        }
    }

    private void dispatchRest(HttpServerRequest req, RestOperation operation, byte[] body) {
        dispatchRest(req, operation, body, false);
    }

    /**
     * A REST-JSON request from the console (its session already checked): {@code path} names the operation, as a
     * client's request path would.
     */
    public void dispatchConsoleRest(HttpServerRequest req, String path, byte[] body) {
        RestOperation operation = path == null ? null : restOperations.get(path);
        if (!(operation instanceof RestOperation.Json) && !(operation instanceof RestOperation.Media)) {
            fail(req, WireFormat.JSON, "application/json", new ApiException("InvalidArgumentException", 400,
                    "X-Runnel-Path names no REST-JSON operation: " + path));
            return;
        }
        dispatchRest(req, operation, body, true);
    }

    private void dispatchRest(HttpServerRequest req, RestOperation operation, byte[] body, boolean fromConsole) {
        try {
            requireMethod(req, HttpMethod.POST);
            JsonNode json = body.length == 0 ? JsonNodeFactory.instance.objectNode() : parse(WireFormat.JSON, body);
            if (!fromConsole) {
                authenticator.check(req, body);
            }
            if (operation instanceof RestOperation.Json op) {
                Validator.validate(json, op.input());
                op.handler().apply(new Request(json, WireFormat.JSON)).whenComplete((response, error) -> {
                    if (error == null) {
                        send(req.response(), "application/json", WireFormat.JSON, 200, response);
                    } else {
                        fail(req, WireFormat.JSON, "application/json", error);
                    }
                });
            } else if (operation instanceof RestOperation.Media op) {
                Validator.validate(json, op.input());
                op.handler().apply(new Request(json, WireFormat.JSON), req.response()).whenComplete((v, error) -> {
                    if (error != null) {
                        fail(req, WireFormat.JSON, "application/json", error);
                    }
                });
            }
        } catch (RuntimeException e) {
            fail(req, WireFormat.JSON, "application/json", e);
        }
    }

    private static long parseLong(String text) {
        if (text == null) {
            return -1;
        }
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Answers 413 at once, then reads and drops the rest of the body so the client sees the answer. */
    private static void tooLarge(HttpServerRequest req, long alreadyRead) {
        drain(req, alreadyRead);
        req.response().setStatusCode(413).putHeader("Connection", "close").end();
    }

    /**
     * Reads and drops the rest of a request's body, up to {@link #MAX_DRAINED_BYTES}; past that, closes the connection.
     * What an early answer needs: a client still sending may read its answer only once its body is sent, and closing
     * under it would lose the answer or (if it reuses the connection) its next request.
     */
    public static void drain(HttpServerRequest req, long alreadyRead) {
        long[] drained = {alreadyRead};
        req.handler(chunk -> {
            drained[0] += chunk.length();
            if (drained[0] > MAX_DRAINED_BYTES) {
                req.connection().close();
            }
        });
        req.endHandler(v -> { });
    }

    /**
     * Answers an AWS JSON-protocol request, checking what Kinesis checks in the order it checks it: the method, an
     * empty body, the content type, the body's syntax, the operation, the signature, then the input.
     */
    private void dispatch(HttpServerRequest req, byte[] body) {
        dispatch(req, body, false);
    }

    /** An AWS JSON-protocol request from the console, whose session stands in for a signature. */
    public void dispatchConsole(HttpServerRequest req, byte[] body) {
        dispatch(req, body, true);
    }

    private void dispatch(HttpServerRequest req, byte[] body, boolean fromConsole) {
        String contentType = req.getHeader("Content-Type") == null ? ""
                : req.getHeader("Content-Type").split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        WireFormat format = WireFormat.ofContentType(contentType);
        String target = req.getHeader("X-Amz-Target");
        String[] parts = target == null ? new String[0] : target.split("\\.", 2);
        boolean named = parts.length == 2 && !parts[0].isEmpty() && !parts[1].isEmpty();
        ApiService.Operation operation = named ? operation(parts[0], parts[1]) : null;
        if (req.method() != HttpMethod.POST) {
            xml(req, 403, "<AccessDeniedException>\n  <Message>" + ACCESS_DENIED + "</Message>\n</AccessDeniedException>\n");
            return;
        }
        if (target == null && query.handles(req, contentType)) {
            query.dispatch(req, body);
            return;
        }
        if (body.length == 0) {
            // An empty body is answered in JSON only when the client said JSON 1.1 (or 1.0); otherwise in CBOR.
            WireFormat reply = contentType.startsWith("application/x-amz-json-") ? WireFormat.JSON : WireFormat.CBOR;
            send(req.response(), reply, 400, typeOnly(operation != null ? "SerializationException" : "UnknownOperationException"));
            return;
        }
        if (format == null) {
            if (!named) {
                xml(req, 403, "<AccessDeniedException>\n  <Message>" + ACCESS_DENIED + "</Message>\n</AccessDeniedException>\n");
            } else {
                xml(req, 404, "<UnknownOperationException/>\n");
            }
            return;
        }
        if (contentType.equals("application/json")) {
            // Coral answers plain JSON in its RPC envelope, with status 200, and goes no further.
            boolean readable = readObject(format, body) != null;
            String envelope = readable
                    ? "{\"Output\":{\"__type\":\"com.amazon.coral.service#UnknownOperationException\",\"message\":null},\"Version\":\"1.0\"}"
                    : "{\"Output\":{\"__type\":\"com.amazon.coral.service#SerializationException\",\"Message\":null},\"Version\":\"1.0\"}";
            byte[] bytes = envelope.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            req.response().setStatusCode(200).putHeader("Content-Type", "application/json")
                    .putHeader("Content-Length", Integer.toString(bytes.length)).end(Buffer.buffer(bytes));
            return;
        }
        try {
            Request.Preread preread = operation == null ? null : operation.preread().apply(format, body);
            JsonNode json = preread != null ? preread.members() : parse(format, body);
            if (operation == null) {
                throw new ApiException("UnknownOperationException", 400, null);
            }
            if (fromConsole) {
                LOG.debug("console calls {}", target);
            } else if (parts[0].equals(io.runnel.server.api.kinesis.Kinesis.RUNNEL_SERVICE)) {
                authenticator.check(req, body); // Runnel's own operations, such as DescribeEndpoints, are not Kinesis's
            } else {
                authenticator.requireSigned(req, body);
            }
            Request request;
            if (preread != null) {
                request = new Request(preread, format, req.response(), fromConsole);
            } else {
                Validator.validate(json, operation.input());
                request = new Request(json, format, req.response(), fromConsole);
            }
            CompletableFuture<JsonNode> result = operation.handler().apply(request);
            result.whenComplete((response, error) -> {
                if (error == null && response == Request.ANSWERED) {
                    return;
                }
                if (error == null) {
                    send(req.response(), format, 200, response);
                } else {
                    fail(req, format, error);
                }
            });
        } catch (RuntimeException e) {
            fail(req, format, e);
        }
    }

    private static final String ACCESS_DENIED = "Unable to determine service/operation name to be authorized";

    private static ObjectNode typeOnly(String type) {
        return JsonNodeFactory.instance.objectNode().put("__type", type);
    }

    /** An error as Kinesis gives it before it knows the protocol: XML, with no content type. */
    private static void xml(HttpServerRequest req, int status, String body) {
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        req.response().setStatusCode(status).putHeader("Content-Length", Integer.toString(bytes.length)).end(Buffer.buffer(bytes));
    }

    private static JsonNode readObject(WireFormat format, byte[] body) {
        try {
            JsonNode json = format.read(body);
            return json != null && json.isObject() ? json : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The request's body; one that is empty or not JSON (CBOR) at all is refused as Kinesis refuses it: with no message. */
    private static JsonNode parse(WireFormat format, byte[] body) {
        if (body.length == 0) {
            throw ApiException.serialization(null);
        }
        JsonNode json;
        try {
            json = format.read(body);
        } catch (IOException | RuntimeException e) {
            throw ApiException.serialization(null);
        }
        if (json == null || !json.isObject()) {
            throw ApiException.serialization("Start of structure or map expected.");
        }
        return json;
    }

    private static void fail(HttpServerRequest req, WireFormat format, Throwable error) {
        fail(req, format, format.contentType(), error);
    }

    private static void fail(HttpServerRequest req, WireFormat format, String contentType, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        ApiException api;
        if (cause instanceof ApiException e) {
            api = e;
        } else {
            LOG.error("request {} {} failed", req.getHeader("X-Amz-Target") != null ? req.getHeader("X-Amz-Target") : req.path(),
                    req.response().headers().get("x-amzn-RequestId"), cause);
            api = ApiException.internal("Internal service failure.");
        }
        if (req.response().headWritten()) {
            // The answer had begun: the client learns of the failure from the connection's end.
            LOG.warn("request {} failed after its response began: {}", req.path(), api.getMessage());
            req.connection().close();
            return;
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("__type", api.type());
        if (api.getMessage() != null) {
            // Coral writes the message of an input it could not read as "Message"; of every other error, as "message".
            body.put(api.type().equals("SerializationException") ? "Message" : "message", api.getMessage());
        }
        if (api.details() != null) {
            body.setAll(api.details());
        }
        req.response().putHeader("x-amzn-ErrorType", api.type());
        send(req.response(), contentType, format, api.status(), body);
    }

    private static void send(HttpServerResponse response, WireFormat format, int status, JsonNode body) {
        send(response, format.contentType(), format, status, body);
    }

    private static void send(HttpServerResponse response, String contentType, WireFormat format, int status, JsonNode body) {
        if (response.ended() || response.closed()) {
            return;
        }
        byte[] bytes = body == Request.NO_BODY ? new byte[0] : format.write(body);
        response.setStatusCode(status).putHeader("Content-Type", contentType)
                .putHeader("Content-Length", Integer.toString(bytes.length)).end(Buffer.buffer(bytes));
    }

    /** Stops listening; the Vert.x instance belongs to the caller. */
    @Override
    public void close() {
        if (tls != null) {
            tls.close();
        }
        try {
            if (server != null) {
                server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            LOG.warn("HTTP server did not stop cleanly", e);
        }
    }
}
