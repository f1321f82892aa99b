package io.runnel.server.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.DaemonThreads;
import io.runnel.server.http.ApiHttpServer;
import io.runnel.server.metrics.DeliveryMonitor;
import io.runnel.server.s3.ObjectStore;
import io.runnel.server.video.VideoStreams;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What the API port serves besides the APIs: the console (its pages at {@code /} for a browser and under
 * {@code /console/}, its live events, its sign-in, and a gateway through which it calls the APIs), {@code /metrics}
 * and {@code /health}. An AWS client never reaches these: it POSTs to {@code /} (or a REST-JSON path), and a GET of
 * {@code /} that does not ask for HTML is answered as Kinesis answers it.
 */
public final class ConsoleRoutes implements ApiHttpServer.WebRoutes, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleRoutes.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The gateway's requests are the console's own: small. */
    private static final int MAX_BODY_BYTES = 1024 * 1024;
    /** How much of a set-aside object the console shows. */
    private static final int OBJECT_PREVIEW_BYTES = 64 * 1024;

    private final ConsoleSources sources;
    private final ConsoleSessions sessions;
    private final StaticAssets assets = new StaticAssets();
    private final LiveUpdates live;
    private final HealthCheck health;
    private final ExecutorService reads = Executors.newSingleThreadExecutor(DaemonThreads.named("runnel-console-reads"));
    private ApiHttpServer api;

    public ConsoleRoutes(ConsoleSources sources, Map<String, String> secrets, String bootstrapServers,
                         io.runnel.server.flink.FlinkRuntime flink) {
        this.sources = sources;
        this.sessions = new ConsoleSessions(secrets);
        this.live = new LiveUpdates(sources);
        this.health = new HealthCheck(bootstrapServers, flink, sources.store());
    }

    /** The server whose APIs the console's gateway calls. */
    public void attach(ApiHttpServer server) {
        this.api = server;
    }

    /** How many consoles are watching live. */
    public int watching() {
        return live.watching();
    }

    @Override
    public boolean handles(HttpServerRequest req) {
        String path = req.path();
        boolean read = req.method() == HttpMethod.GET || req.method() == HttpMethod.HEAD;
        if (path.equals("/") && read && wantsHtml(req)) {
            StaticAssets.serve(req, assets.get("/"));
            return true;
        }
        if (path.equals("/metrics") && read) {
            if (authorized(req)) {
                metrics(req);
            }
            return true;
        }
        if (path.equals("/health") && read) {
            health(req);
            return true;
        }
        if (!path.equals("/console") && !path.startsWith("/console/")) {
            return false;
        }
        switch (path) {
            case "/console/session" -> session(req);
            case "/console/api" -> {
                if (authorized(req)) {
                    gateway(req, false);
                }
            }
            case "/console/rest" -> {
                if (authorized(req)) {
                    gateway(req, true);
                }
            }
            case "/console/events" -> {
                if (authorized(req)) {
                    live.watch(req.response(), Vertx.currentContext(), req.getParam("stream"), sessions.stillAllowed(req));
                }
            }
            case "/console/delivered" -> {
                if (authorized(req)) {
                    delivered(req);
                }
            }
            case "/console/object" -> {
                if (authorized(req)) {
                    object(req);
                }
            }
            case "/console/thumbnail" -> {
                if (authorized(req)) {
                    thumbnail(req);
                }
            }
            default -> {
                StaticAssets.Asset asset = read ? assets.get(path) : null;
                if (asset == null) {
                    text(req.response(), 404, "text/plain; charset=utf-8", "Not found: " + path + "\n");
                } else {
                    StaticAssets.serve(req, asset);
                }
            }
        }
        return true;
    }

    private static boolean wantsHtml(HttpServerRequest req) {
        String accept = req.getHeader("Accept");
        return accept != null && accept.contains("text/html");
    }

    /** Refuses (401) a request that brings neither a session nor the right basic auth, when credentials are checked. */
    private boolean authorized(HttpServerRequest req) {
        // Basic auth is for scrapers of /metrics; the console, and through it the APIs, take a session only.
        if (sessions.allowed(req, req.path().equals("/metrics"))) {
            return true;
        }
        // A browser asks for basic auth only where it is the way in: /metrics. The console signs in on its own page.
        if (req.path().equals("/metrics")) {
            req.response().putHeader("WWW-Authenticate", "Basic realm=\"Runnel\", charset=\"UTF-8\"");
        }
        text(req.response(), 401, "application/json", "{\"message\":\"Sign in with an access key id and its secret.\"}");
        return false;
    }

    private void metrics(HttpServerRequest req) {
        // Scraping walks every meter: off the event loop.
        CompletableFuture.supplyAsync(sources.metrics()::scrape, reads).whenComplete((page, error) -> {
            if (error != null) {
                LOG.error("GET /metrics failed", error);
                text(req.response(), 500, "text/plain; charset=utf-8", "Could not collect the metrics: " + error.getMessage() + "\n");
            } else {
                text(req.response(), 200, "text/plain; version=0.0.4; charset=utf-8", page);
            }
        });
    }

    private void health(HttpServerRequest req) {
        health.check().whenComplete((body, error) -> {
            if (error != null) {
                LOG.error("GET /health failed", error);
                text(req.response(), 503, "application/json", "{\"status\":\"DOWN\"}");
            } else {
                text(req.response(), body.path("status").asText().equals("UP") ? 200 : 503, "application/json", body.toString());
            }
        });
    }

    /** GET: whether credentials are needed and whether this browser has a session; POST signs in; DELETE signs out. */
    private void session(HttpServerRequest req) {
        HttpServerResponse response = req.response();
        if (req.method() == HttpMethod.GET) {
            ObjectNode state = JSON.createObjectNode().put("authRequired", !sessions.open()).put("signedIn", sessions.allowed(req, false));
            text(response, 200, "application/json", state.toString());
            return;
        }
        if (req.method() == HttpMethod.DELETE) {
            sessions.end(req);
            response.addCookie(io.vertx.core.http.Cookie.cookie(ConsoleSessions.COOKIE, "").setPath("/").setMaxAge(0));
            text(response, 204, "application/json", "");
            return;
        }
        if (req.method() != HttpMethod.POST) {
            text(response, 405, "application/json", "{\"message\":\"Use GET, POST or DELETE.\"}");
            return;
        }
        body(req, body -> {
            String key;
            String secret;
            try {
                ObjectNode json = (ObjectNode) JSON.readTree(body.getBytes());
                key = json.path("accessKeyId").asText(null);
                secret = json.path("secretAccessKey").asText(null);
            } catch (Exception e) {
                text(response, 400, "application/json", "{\"message\":\"Send {\\\"accessKeyId\\\": ..., \\\"secretAccessKey\\\": ...}.\"}");
                return;
            }
            if (sessions.open()) {
                text(response, 200, "application/json", "{\"signedIn\":true}");
            } else if (sessions.valid(key, secret)) {
                response.addCookie(sessions.start());
                text(response, 200, "application/json", "{\"signedIn\":true}");
            } else {
                LOG.info("console sign-in refused for access key id {}", key);
                text(response, 401, "application/json", "{\"message\":\"The access key id or its secret is not right.\"}");
            }
        });
    }

    /**
     * The console's way to the APIs, as any client's: {@code X-Amz-Target} and a JSON body at {@code /console/api}, or a
     * REST-JSON path in {@code X-Runnel-Path} at {@code /console/rest}. Its session stands in for a SigV4 signature.
     */
    private void gateway(HttpServerRequest req, boolean rest) {
        if (req.method() != HttpMethod.POST) {
            text(req.response(), 405, "application/json", "{\"message\":\"Use POST.\"}");
            return;
        }
        body(req, body -> {
            if (rest) {
                api.dispatchConsoleRest(req, req.getHeader("X-Runnel-Path"), body.getBytes());
            } else {
                api.dispatchConsole(req, body.getBytes());
            }
        });
    }

    /** A delivery stream's newest delivered objects and error objects, as last listed. */
    private void delivered(HttpServerRequest req) {
        String name = req.getParam("name");
        DeliveryMonitor.Delivered d = name == null ? null : sources.deliveryMonitor().delivered(name).orElse(null);
        ObjectNode body = JSON.createObjectNode().put("name", name);
        if (d != null) {
            body.put("bucket", d.bucket()).put("objects", d.objects()).put("bytes", d.bytes()).put("lastDeliveryAt", d.lastDeliveryAt())
                    .put("errorObjects", d.errorObjects()).put("listedAt", d.listedAt());
            objectsNode(body.putArray("newest"), d.newest());
            objectsNode(body.putArray("newestErrors"), d.newestErrors());
        }
        boolean exists = name != null && sources.deliveryStreams().find(name).isPresent();
        text(req.response(), exists ? 200 : 404, "application/json", body.toString()); // listed soon after it is made
    }

    private static void objectsNode(ArrayNode array, java.util.List<ObjectStore.StoredObject> objects) {
        objects.forEach(o -> array.addObject().put("key", o.key()).put("size", o.size()).put("modified", o.modified().toEpochMilli()));
    }

    /** The start of an object a delivery stream wrote (an error record, say), as text; only from a delivery stream's bucket. */
    private void object(HttpServerRequest req) {
        String name = req.getParam("name");
        String key = req.getParam("key");
        DeliveryMonitor.Delivered d = name == null ? null : sources.deliveryMonitor().delivered(name).orElse(null);
        ObjectStore.StoredObject listed = d == null || key == null ? null : java.util.stream.Stream.concat(d.newest().stream(),
                d.newestErrors().stream()).filter(o -> o.key().equals(key)).findFirst().orElse(null);
        if (listed == null) {
            // Only what the delivery stream's page lists: the console is no way to read the rest of a bucket.
            text(req.response(), 404, "application/json", "{\"message\":\"No such object among what this delivery stream wrote lately.\"}");
            return;
        }
        CompletableFuture.supplyAsync(() -> sources.store().start(d.bucket(), key, OBJECT_PREVIEW_BYTES), reads).whenComplete((bytes, error) -> {
            if (error != null) {
                LOG.info("console could not read s3://{}/{}: {}", d.bucket(), key, error.toString());
                text(req.response(), 404, "application/json", "{\"message\":\"No such object.\"}");
                return;
            }
            req.response().putHeader("X-Runnel-Object-Size", Long.toString(listed.size()));
            text(req.response(), 200, "text/plain; charset=utf-8", new String(bytes, StandardCharsets.UTF_8));
        });
    }

    /** A shot's thumbnail, as the video analysis wrote it ({@code s3://runnel-video/thumbnails/...}). */
    private void thumbnail(HttpServerRequest req) {
        String uri = req.getParam("uri");
        String prefix = "s3://" + VideoStreams.BUCKET + "/thumbnails/";
        if (uri == null || !uri.startsWith(prefix) || uri.contains("..")) {
            text(req.response(), 404, "application/json", "{\"message\":\"No such thumbnail.\"}");
            return;
        }
        String key = uri.substring(("s3://" + VideoStreams.BUCKET + "/").length());
        CompletableFuture.supplyAsync(() -> sources.store().get(VideoStreams.BUCKET, key), reads).whenComplete((bytes, error) -> {
            if (error != null) {
                text(req.response(), 404, "application/json", "{\"message\":\"No such thumbnail.\"}");
                return;
            }
            req.response().setStatusCode(200).putHeader("Content-Type", "image/jpeg").putHeader("Cache-Control", "max-age=3600")
                    .putHeader("Content-Length", Integer.toString(bytes.length)).end(Buffer.buffer(bytes));
        });
    }

    /** Reads a small body, then hands it on; a larger one is refused (413). */
    private static void body(HttpServerRequest req, java.util.function.Consumer<Buffer> then) {
        Buffer body = Buffer.buffer();
        boolean[] refused = {false};
        req.handler(chunk -> {
            if (refused[0]) {
                return;
            }
            if (body.length() + chunk.length() > MAX_BODY_BYTES) {
                refused[0] = true;
                ApiHttpServer.drain(req, body.length() + chunk.length());
                text(req.response(), 413, "application/json", "{\"message\":\"The console sends requests of 1 MiB at most.\"}");
                return;
            }
            body.appendBuffer(chunk);
        });
        req.endHandler(v -> {
            if (!refused[0]) {
                then.accept(body);
            }
        });
    }

    private static void text(HttpServerResponse response, int status, String contentType, String body) {
        if (response.ended() || response.closed()) {
            return;
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatusCode(status).putHeader("Content-Type", contentType).putHeader("Cache-Control", "no-store")
                .putHeader("Content-Length", Integer.toString(bytes.length)).end(Buffer.buffer(bytes));
    }

    @Override
    public void close() {
        live.close();
        health.close();
        reads.shutdownNow();
    }
}
