package io.runnel.server.http;

import io.vertx.core.http.HttpServerRequest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Request bodies that AWS SDKs gzip (CloudWatch's PutMetricData, in both its Query and its CBOR forms) and say so with
 * {@code Content-Encoding: gzip}.
 */
final class RequestCompression {

    /** A gzipped body is refused past this size once inflated, as a plain one is past the API's limit. */
    private static final int MAX_INFLATED_BYTES = ApiHttpServer.MAX_BODY_BYTES;

    private RequestCompression() {
    }

    /** The body as sent before compression; {@code errorType} names the error of a body that is not gzip. */
    static byte[] inflated(HttpServerRequest req, byte[] body, String errorType) {
        if (!"gzip".equalsIgnoreCase(req.getHeader("Content-Encoding"))) {
            return body;
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            byte[] inflated = in.readNBytes(MAX_INFLATED_BYTES + 1);
            if (inflated.length > MAX_INFLATED_BYTES) {
                throw new ApiException("RequestEntityTooLarge", 413, "The request body exceeds " + MAX_INFLATED_BYTES + " bytes once inflated.");
            }
            return inflated;
        } catch (IOException e) {
            throw ApiException.badRequest(errorType, "the body is not gzip: " + e.getMessage());
        }
    }
}
