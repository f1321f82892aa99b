package io.runnel.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.http.ApiException;
import io.runnel.server.http.WireFormat;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/** A validated request body, read member by member. */
public final class Request {

    /** What an operation that wrote its own response (an event stream) completes with, in place of a body. */
    public static final JsonNode ANSWERED = new com.fasterxml.jackson.databind.node.POJONode("answered");

    /** What an operation whose output has no members completes with: the answer has an empty body. */
    public static final JsonNode NO_BODY = com.fasterxml.jackson.databind.node.MissingNode.getInstance();

    private final JsonNode body;
    private final WireFormat format;
    private final io.vertx.core.http.HttpServerResponse response;
    private final boolean fromConsole;
    private final Object preread;

    /**
     * What an operation read from a body itself ({@link ApiAction#preread}): the members it leaves to the request's
     * usual accessors, and the rest as it read them.
     */
    public record Preread(com.fasterxml.jackson.databind.node.ObjectNode members, Object value) {
    }

    public Request(JsonNode body, WireFormat format) {
        this(body, format, null);
    }

    public Request(JsonNode body, WireFormat format, io.vertx.core.http.HttpServerResponse response) {
        this(body, format, response, false);
    }

    /** @param fromConsole whether the console sent it, through its gateway, rather than a client */
    public Request(JsonNode body, WireFormat format, io.vertx.core.http.HttpServerResponse response, boolean fromConsole) {
        this(body, format, response, fromConsole, null);
    }

    /** A request whose operation read its body itself: {@code preread}'s members stand for the body. */
    public Request(Preread preread, WireFormat format, io.vertx.core.http.HttpServerResponse response, boolean fromConsole) {
        this(preread.members(), format, response, fromConsole, preread.value());
    }

    private Request(JsonNode body, WireFormat format, io.vertx.core.http.HttpServerResponse response, boolean fromConsole,
                    Object preread) {
        this.body = body;
        this.format = format;
        this.response = response;
        this.fromConsole = fromConsole;
        this.preread = preread;
    }

    /** What the operation read from the body itself, or null when the body took the general way. */
    public Object preread() {
        return preread;
    }

    /** Whether the console sent it: its own reads (the newest records it shows) are not a reader's, and are not counted. */
    public boolean fromConsole() {
        return fromConsole;
    }

    /** The HTTP response, for an operation that streams its answer; it completes with {@link #ANSWERED}. */
    public io.vertx.core.http.HttpServerResponse response() {
        return response;
    }

    public WireFormat format() {
        return format;
    }

    public JsonNode body() {
        return body;
    }

    public boolean has(String member) {
        JsonNode v = body.get(member);
        return v != null && !v.isNull();
    }

    public String string(String member) {
        return has(member) ? body.get(member).asText() : null;
    }

    public Integer integer(String member) {
        return has(member) ? saturatedInt(body.get(member)) : null;
    }

    public int integer(String member, int defaultValue) {
        return has(member) ? saturatedInt(body.get(member)) : defaultValue;
    }

    private static final BigDecimal INT_MIN = BigDecimal.valueOf(Integer.MIN_VALUE);
    private static final BigDecimal INT_MAX = BigDecimal.valueOf(Integer.MAX_VALUE);

    /**
     * A number as an AWS service reads an Integer member: without its fraction, and a number beyond the range held
     * at its end (a ShardCount of 4294967297 is 2147483647, which the limits then refuse) rather than wrapped around.
     */
    public static int saturatedInt(JsonNode number) {
        if (number.isFloatingPointNumber() && !Double.isFinite(number.doubleValue())) {
            // CBOR carries infinities and NaN, which have no decimal value; Java's own cast gives their ends and 0.
            return (int) number.doubleValue();
        }
        BigDecimal value = number.decimalValue().setScale(0, RoundingMode.FLOOR);
        return value.max(INT_MIN).min(INT_MAX).intValueExact();
    }

    public JsonNode node(String member) {
        return has(member) ? body.get(member) : null;
    }

    /** Decodes a blob member: base64 text in JSON, a byte string in CBOR. */
    public static byte[] blob(JsonNode v) {
        try {
            return v.isBinary() ? v.binaryValue() : Base64.getDecoder().decode(v.asText());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A timestamp member in epoch millis: JSON sends epoch seconds, CBOR epoch millis, either may send ISO-8601. */
    public long timestampMillis(String member) {
        return timestampMillis(body.get(member), format);
    }

    public static long timestampMillis(JsonNode v, WireFormat format) {
        if (v.isTextual()) {
            try {
                return Instant.parse(v.asText()).toEpochMilli();
            } catch (DateTimeParseException e) {
                try {
                    return new BigDecimal(v.asText()).movePointRight(3).longValue();
                } catch (NumberFormatException notNumber) {
                    throw ApiException.serialization("'" + v.asText() + "' can not be converted to a Timestamp");
                }
            }
        }
        if (format == WireFormat.CBOR && v.isIntegralNumber()) {
            return v.asLong();
        }
        return v.decimalValue().movePointRight(3).longValue();
    }
}
