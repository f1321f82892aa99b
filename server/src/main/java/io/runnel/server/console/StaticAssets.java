package io.runnel.server.console;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.zip.GZIPOutputStream;

/**
 * The console's files, read from the server's jar once at start (so serving them never touches a disk on an event
 * loop), each kept plain and gzipped, answered with an ETag so a browser that has them asks only whether they changed.
 */
final class StaticAssets {

    /** A file as served. */
    record Asset(String contentType, byte[] plain, byte[] gzipped, String etag) {
    }

    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "svg", "image/svg+xml");

    private final Map<String, Asset> byPath = new LinkedHashMap<>();

    StaticAssets() {
        String uplot = "META-INF/resources/webjars/uplot/" + webJarVersion("uplot") + "/dist/";
        add("/console/index.html", "console/index.html");
        add("/console/console.js", "console/console.js");
        add("/console/console.css", "console/console.css");
        add("/console/vendor/hls.min.js", "console/vendor/hls.min.js");
        add("/console/vendor/uPlot.iife.min.js", uplot + "uPlot.iife.min.js");
        add("/console/vendor/uPlot.min.css", uplot + "uPlot.min.css");
    }

    /** The asset served at a path, or null. */
    Asset get(String path) {
        return byPath.get(path.equals("/") || path.equals("/console") || path.equals("/console/") ? "/console/index.html" : path);
    }

    /** Every asset's path, in the order the page loads them. */
    Iterable<String> paths() {
        return byPath.keySet();
    }

    /** Answers a GET or HEAD of an asset: 304 when the browser's copy is current, gzipped when it takes gzip. */
    static void serve(HttpServerRequest req, Asset asset) {
        var response = req.response().putHeader("Content-Type", asset.contentType()).putHeader("ETag", asset.etag())
                .putHeader("Cache-Control", "no-cache").putHeader("Vary", "Accept-Encoding")
                .putHeader("X-Content-Type-Options", "nosniff");
        if (asset.etag().equals(req.getHeader("If-None-Match"))) {
            response.setStatusCode(304).end();
            return;
        }
        String encodings = req.getHeader("Accept-Encoding");
        boolean gzip = encodings != null && encodings.contains("gzip");
        byte[] body = gzip ? asset.gzipped() : asset.plain();
        if (gzip) {
            response.putHeader("Content-Encoding", "gzip");
        }
        response.putHeader("Content-Length", Integer.toString(body.length));
        if (req.method() == io.vertx.core.http.HttpMethod.HEAD) {
            response.end();
        } else {
            response.end(Buffer.buffer(body));
        }
    }

    private void add(String path, String resource) {
        byte[] plain = read(resource);
        ByteArrayOutputStream gz = new ByteArrayOutputStream(plain.length / 3 + 64);
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String extension = path.substring(path.lastIndexOf('.') + 1);
        byPath.put(path, new Asset(TYPES.getOrDefault(extension, "application/octet-stream"), plain, gz.toByteArray(), etag(plain)));
    }

    private static byte[] read(String resource) {
        try (InputStream in = StaticAssets.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the console's " + resource + " is not in the server's jar: build it with mvn package");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String webJarVersion(String name) {
        Properties p = new Properties();
        try (InputStream in = StaticAssets.class.getClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars.npm/" + name + "/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("the WebJar " + name + " is not on the class path");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version");
    }

    private static String etag(byte[] bytes) {
        try {
            return "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
