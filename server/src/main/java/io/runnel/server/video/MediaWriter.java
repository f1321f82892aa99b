package io.runnel.server.video;

import io.runnel.video.mkv.MkvTags;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Writes stored fragments into a response as GetMedia serves them: each a whole Matroska document, with Kinesis
 * Video Streams' tags before its Cluster (fragment number, server and producer timestamps, in seconds) and after it
 * (how far behind now it is, and the continuation token that resumes after it). Writes wait while the client is
 * slow to read; everything runs on the response's event loop.
 */
public final class MediaWriter {

    public static final String CONTENT_TYPE = "video/webm";

    private final HttpServerResponse response;
    private final Context context;
    private final FragmentStore store;

    public MediaWriter(HttpServerResponse response, FragmentStore store) {
        this.response = response;
        this.context = Vertx.currentContext();
        this.store = store;
    }

    /** Sends the status and headers at once, as Kinesis Video Streams does, before the first fragment. */
    public void begin() {
        response.setStatusCode(200).setChunked(true).putHeader("Content-Type", CONTENT_TYPE);
        response.writeHead();
    }

    public boolean clientGone() {
        return response.closed() || response.ended();
    }

    public Context context() {
        return context;
    }

    /** Fetches a fragment and writes it, once the client has read what came before. Completes on the event loop. */
    public CompletableFuture<Void> write(FragmentStore.Stored fragment) {
        return store.bytes(fragment).thenCompose(bytes -> onContext(() -> {
            CompletableFuture<Void> written = new CompletableFuture<>();
            if (clientGone()) {
                written.complete(null);
                return written;
            }
            response.write(Buffer.buffer(chunk(fragment, bytes, System.currentTimeMillis())));
            if (response.writeQueueFull()) {
                response.drainHandler(v -> written.complete(null));
                response.closeHandler(v -> written.complete(null));
            } else {
                written.complete(null);
            }
            return written;
        }));
    }

    private <T> CompletableFuture<T> onContext(java.util.function.Supplier<CompletableFuture<T>> work) {
        CompletableFuture<T> done = new CompletableFuture<>();
        context.runOnContext(v -> {
            try {
                work.get().whenComplete((r, e) -> {
                    if (e != null) {
                        done.completeExceptionally(e);
                    } else {
                        done.complete(r);
                    }
                });
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    /** Cuts the response off: a client must not take a broken answer for a whole one. */
    public void abort(Throwable cause) {
        org.slf4j.LoggerFactory.getLogger(MediaWriter.class).warn("a media response failed after it began; closing its connection", cause);
        context.runOnContext(v -> {
            if (!clientGone()) {
                response.reset();
            }
        });
    }

    public void end() {
        context.runOnContext(v -> {
            if (!clientGone()) {
                response.end();
            }
        });
    }

    /** A stored fragment as GetMedia serves it, tagged. */
    static byte[] chunk(FragmentStore.Stored fragment, byte[] stored, long now) {
        int headerLength = fragment.entry().headerLength();
        if (headerLength <= 0 || headerLength > stored.length) {
            throw new IllegalStateException("fragment " + fragment.fragmentNumber() + " has no header of " + headerLength + " bytes");
        }
        Map<String, String> before = new LinkedHashMap<>();
        before.put("AWS_KINESISVIDEO_FRAGMENT_NUMBER", fragment.fragmentNumber());
        before.put("AWS_KINESISVIDEO_SERVER_TIMESTAMP", seconds(fragment.entry().serverTimestamp()));
        before.put("AWS_KINESISVIDEO_PRODUCER_TIMESTAMP", seconds(fragment.entry().producerTimestamp()));
        Map<String, String> after = new LinkedHashMap<>();
        after.put("AWS_KINESISVIDEO_MILLIS_BEHIND_NOW", Long.toString(Math.max(0, now - fragment.entry().serverTimestamp())));
        after.put("AWS_KINESISVIDEO_CONTINUATION_TOKEN", fragment.fragmentNumber());
        ByteArrayOutputStream out = new ByteArrayOutputStream(stored.length + 512);
        out.write(stored, 0, headerLength);
        out.writeBytes(MkvTags.of(before));
        out.write(stored, headerLength, stored.length - headerLength);
        out.writeBytes(MkvTags.of(after));
        return out.toByteArray();
    }

    /** Epoch milliseconds as Kinesis Video Streams writes them in tags: seconds with three decimals. */
    static String seconds(long epochMillis) {
        return BigDecimal.valueOf(epochMillis, 3).toPlainString();
    }
}
