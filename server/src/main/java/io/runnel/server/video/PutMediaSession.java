package io.runnel.server.video;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.http.ApiHttpServer;
import io.runnel.video.mkv.Fragment;
import io.runnel.video.mkv.MkvException;
import io.runnel.video.mkv.MkvFragmenter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One PutMedia connection: Matroska arrives in the request body and is cut into fragments; each is acknowledged
 * in the response as Kinesis Video Streams does, one JSON object per line (BUFFERING when it begins, RECEIVED when
 * whole, PERSISTED once stored, or ERROR). Fragments are stored in the order they arrived, one at a time; the body
 * is paused while too many wait. All of it runs on the request's event loop, never blocking it.
 * <p>
 * A producer that says {@code Connection: close} and does not ask for acknowledgements
 * ({@code x-amzn-fragment-acknowledgment-required}) gets them once its body has ended: ffmpeg is one, and closes its
 * socket without reading the response, which then resets the connection and would lose what it sent last.
 */
public final class PutMediaSession {

    private static final Logger LOG = LoggerFactory.getLogger(PutMediaSession.class);
    /**
     * Bytes of fragments received and not yet stored, past which the body is paused. Large, because a producer
     * that closes its connection once it has sent everything (ffmpeg does) loses what a paused body still held.
     */
    private static final long MAX_PENDING_BYTES = 128L * 1024 * 1024;

    /** The PutMedia acknowledgement errors Runnel sends, with Kinesis Video Streams' ids. */
    enum AckError {
        MAX_FRAGMENT_SIZE_REACHED(4001),
        FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS(4004),
        INVALID_MKV_DATA(4006),
        INVALID_PRODUCER_TIMESTAMP(4007),
        INTERNAL_ERROR(5000),
        ARCHIVAL_ERROR(5001);

        final int id;

        AckError(int id) {
            this.id = id;
        }
    }

    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private final Context context;
    private final VideoStream stream;
    private final FragmentStore store;
    private final boolean absoluteTimecodes;
    private final long producerStartMillis;
    private final MkvFragmenter fragmenter = new MkvFragmenter();
    private final StringBuilder deferredAcks;
    private CompletableFuture<Void> stored = CompletableFuture.completedFuture(null);
    private long lastTimecode = Long.MIN_VALUE;
    private Long currentTimecode;
    private int pending;
    private long pendingBytes;
    private boolean paused;
    private boolean bodyEnded;
    private boolean broken;
    private boolean refused;

    private PutMediaSession(HttpServerRequest request, VideoStream stream, FragmentStore store, boolean absoluteTimecodes,
                            long producerStartMillis) {
        this.request = request;
        this.response = request.response();
        this.context = Vertx.currentContext();
        this.stream = stream;
        this.store = store;
        this.absoluteTimecodes = absoluteTimecodes;
        this.producerStartMillis = producerStartMillis;
        boolean closes = "close".equalsIgnoreCase(request.getHeader("Connection"));
        this.deferredAcks = closes && request.getHeader("x-amzn-fragment-acknowledgment-required") == null ? new StringBuilder() : null;
    }

    /**
     * Takes over a request whose headers were found valid.
     *
     * @param producerStartMillis what a RELATIVE fragment timecode counts from
     */
    public static void start(HttpServerRequest request, VideoStream stream, FragmentStore store, boolean absoluteTimecodes,
                             long producerStartMillis) {
        PutMediaSession session = new PutMediaSession(request, stream, store, absoluteTimecodes, producerStartMillis);
        session.response.setStatusCode(200).setChunked(true).putHeader("Content-Type", "application/json");
        request.handler(session::received);
        request.endHandler(v -> session.bodyEnded());
        request.exceptionHandler(session::broken);
        session.response.closeHandler(v -> session.broken(null));
    }

    private void received(Buffer chunk) {
        if (refused) {
            return;
        }
        byte[] bytes = chunk.getBytes();
        handle(fragmenter.feed(bytes, 0, bytes.length));
    }

    private void handle(List<MkvFragmenter.Event> events) {
        for (MkvFragmenter.Event event : events) {
            if (event instanceof MkvFragmenter.Started s) {
                currentTimecode = s.timecode();
                ack("BUFFERING", s.timecode(), null, null);
            } else if (event instanceof MkvFragmenter.Complete c) {
                currentTimecode = null;
                complete(c.fragment());
            } else if (event instanceof MkvFragmenter.Refused r) {
                refuse(r.error());
            }
        }
    }

    private void complete(Fragment fragment) {
        long timecode = fragment.timecode();
        ack("RECEIVED", timecode, null, null);
        if (timecode <= lastTimecode) {
            ack("ERROR", timecode, null, AckError.FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS);
            return;
        }
        lastTimecode = timecode;
        long producerTimestamp;
        try {
            producerTimestamp = absoluteTimecodes ? fragment.timecodeMillis() : Math.addExact(producerStartMillis, fragment.timecodeMillis());
        } catch (ArithmeticException e) {
            ack("ERROR", timecode, null, AckError.INVALID_PRODUCER_TIMESTAMP);
            return;
        }
        long serverTimestamp = System.currentTimeMillis();
        pending++;
        pendingBytes += fragment.size();
        if (pendingBytes >= MAX_PENDING_BYTES && !paused) {
            paused = true;
            request.pause();
        }
        stored = stored.thenCompose(v -> store.store(stream, fragment, producerTimestamp, serverTimestamp)
                .handle((persisted, error) -> {
                    context.runOnContext(x -> persisted(timecode, fragment.size(), persisted, error));
                    return null;
                }));
    }

    private void persisted(long timecode, int size, FragmentStore.Stored fragment, Throwable error) {
        pending--;
        pendingBytes -= size;
        if (paused && pendingBytes <= MAX_PENDING_BYTES / 2) {
            paused = false;
            request.resume();
        }
        if (error != null) {
            LOG.warn("could not store a fragment (timecode {}) of video stream {}", timecode, stream.name(), error);
            ack("ERROR", timecode, null, AckError.ARCHIVAL_ERROR);
        } else if (stream.dataRetentionInHours() > 0) {
            ack("PERSISTED", timecode, fragment.fragmentNumber(), null);
        }
        finishWhenDone();
    }

    private void bodyEnded() {
        endBody();
        if (!refused) {
            handle(fragmenter.end());
        }
        finishWhenDone();
    }

    /**
     * Bad Matroska ends the session: what came before it is kept, and the answer ends once that is stored; the rest
     * of the body is read and dropped, so that the connection serves the producer's next request.
     */
    private void refuse(MkvException e) {
        refused = true;
        LOG.info("PutMedia to video stream {} refused: {}", stream.name(), e.getMessage());
        AckError error = e.reason() == MkvException.Reason.FRAGMENT_TOO_LARGE ? AckError.MAX_FRAGMENT_SIZE_REACHED : AckError.INVALID_MKV_DATA;
        ack("ERROR", currentTimecode, null, error);
        ApiHttpServer.drain(request, 0);
        endBody();
        finishWhenDone();
    }

    /** No more of the body will be read: acknowledgements held back until now go out. */
    private void endBody() {
        bodyEnded = true;
        if (deferredAcks != null && !deferredAcks.isEmpty() && !broken && !response.closed()) {
            response.write(deferredAcks.toString());
            deferredAcks.setLength(0);
        }
    }

    private void broken(Throwable cause) {
        if (broken || (bodyEnded && response.ended())) {
            return;
        }
        broken = true;
        if (!bodyEnded && !refused) {
            // The fragment under way is kept as far as its last whole Cluster; its acknowledgements go nowhere.
            handle(fragmenter.abandon());
        }
        if (fragmenter.inFragment() || !bodyEnded) {
            LOG.info("a producer of video stream {} went away{}; the fragments it completed are kept", stream.name(),
                    cause == null ? "" : " (" + cause + ")");
        }
    }

    private void finishWhenDone() {
        if (bodyEnded && pending == 0 && !response.ended() && !response.closed()) {
            response.end();
        }
    }

    private void ack(String type, Long timecode, String fragmentNumber, AckError error) {
        if (broken || response.ended() || response.closed()) {
            return;
        }
        ObjectNode ack = JsonNodeFactory.instance.objectNode().put("EventType", type);
        if (timecode != null) {
            ack.put("FragmentTimecode", timecode);
        }
        if (fragmentNumber != null) {
            ack.put("FragmentNumber", fragmentNumber);
        }
        if (error != null) {
            ack.put("ErrorId", error.id).put("ErrorCode", error.name());
        }
        if (deferredAcks != null && !bodyEnded) {
            deferredAcks.append(ack).append('\n');
        } else {
            response.write(ack.toString() + "\n");
        }
    }
}
