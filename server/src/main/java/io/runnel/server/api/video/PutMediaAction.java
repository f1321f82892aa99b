package io.runnel.server.api.video;

import io.runnel.server.video.PutMediaSession;
import io.runnel.server.video.VideoStream;
import io.vertx.core.http.HttpServerRequest;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * PutMedia: the headers name the stream and how fragment timecodes count; the body is Matroska, read by a
 * {@link PutMediaSession}. Errors in the headers are answered before any of the body is read.
 */
final class PutMediaAction {

    void handle(HttpServerRequest request, Video video) {
        VideoStream stream = video.require(request.getHeader("x-amzn-stream-name"), request.getHeader("x-amzn-stream-arn"));
        if (!stream.status().equals(VideoStream.ACTIVE)) {
            throw Video.notFound();
        }
        String type = request.getHeader("x-amzn-fragment-timecode-type");
        if (type != null && !type.equals("ABSOLUTE") && !type.equals("RELATIVE")) {
            throw Video.invalidArgument("x-amzn-fragment-timecode-type must be ABSOLUTE or RELATIVE, not " + type + ".");
        }
        long start = producerStart(request.getHeader("x-amzn-producer-start-timestamp"));
        PutMediaSession.start(request, stream, video.fragments, "ABSOLUTE".equals(type), start);
    }

    /** Producers send seconds since the epoch with a fraction, or ISO-8601; without one, RELATIVE counts from now. */
    static long producerStart(String header) {
        if (header == null || header.isBlank()) {
            return System.currentTimeMillis();
        }
        try {
            return new BigDecimal(header.trim()).movePointRight(3).setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
        } catch (NumberFormatException | ArithmeticException notSeconds) {
            try {
                return Instant.parse(header.trim()).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw Video.invalidArgument("x-amzn-producer-start-timestamp " + header
                        + " is neither seconds since the epoch nor an ISO-8601 time.");
            }
        }
    }
}
