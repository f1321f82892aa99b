package io.runnel.server.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.core.JsonFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;

/**
 * The two wire formats of the AWS JSON protocol: JSON 1.1 (the CLI and most SDKs) and CBOR 1.1 (the AWS
 * SDK for Java v2 by default). Blobs travel as base64 text in JSON and as byte strings in CBOR;
 * timestamps as epoch seconds in JSON and as tagged epoch milliseconds in CBOR.
 */
public enum WireFormat {
    JSON("application/x-amz-json-1.1", new JsonFactory()),
    CBOR("application/x-amz-cbor-1.1", new CBORFactory());

    private static final int CBOR_TAG_EPOCH = 1;

    private final String contentType;
    private final ObjectMapper mapper;

    WireFormat(String contentType, JsonFactory factory) {
        factory.setStreamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build());
        this.contentType = contentType;
        this.mapper = new ObjectMapper(factory);
    }

    public String contentType() {
        return contentType;
    }

    /** The format of a request's Content-Type header, or null when it is not one of ours. */
    public static WireFormat ofContentType(String header) {
        if (header == null) {
            return null;
        }
        String type = header.split(";", 2)[0].trim().toLowerCase();
        return switch (type) {
            case "application/x-amz-json-1.1", "application/x-amz-json-1.0", "application/json" -> JSON;
            case "application/x-amz-cbor-1.1" -> CBOR;
            default -> null;
        };
    }

    /** A parser of a body in this format, for an operation that reads its body token by token. */
    public JsonParser parser(byte[] body) throws IOException {
        return mapper.createParser(body);
    }

    public JsonNode read(byte[] body) throws IOException {
        try (JsonParser parser = mapper.createParser(body)) {
            JsonNode node = mapper.readTree(parser);
            if (parser.nextToken() != null) {
                throw new IOException("trailing content after the request body");
            }
            return node;
        }
    }

    /** A timestamp to put into a response. */
    public static JsonNode timestamp(long epochMillis) {
        return new POJONode(new EpochMillis(epochMillis));
    }

    private record EpochMillis(long value) {
    }

    public byte[] write(JsonNode response) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = mapper.createGenerator(out)) {
            write(g, response);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode response", e);
        }
        return out.toByteArray();
    }

    private void write(JsonGenerator g, JsonNode node) throws IOException {
        if (node instanceof POJONode pojo && pojo.getPojo() instanceof EpochMillis t) {
            if (g instanceof CBORGenerator cbor) {
                cbor.writeTag(CBOR_TAG_EPOCH);
                cbor.writeNumber(t.value());
            } else {
                g.writeNumber(BigDecimal.valueOf(t.value(), 3));
            }
        } else if (node.isObject()) {
            g.writeStartObject();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!field.getValue().isNull()) {
                    g.writeFieldName(field.getKey());
                    write(g, field.getValue());
                }
            }
            g.writeEndObject();
        } else if (node.isArray()) {
            g.writeStartArray();
            for (JsonNode element : node) {
                write(g, element);
            }
            g.writeEndArray();
        } else if (node.isBinary()) {
            g.writeBinary(node.binaryValue());
        } else {
            mapper.writeTree(g, node);
        }
    }
}
