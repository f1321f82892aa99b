package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Validator;
import io.runnel.server.http.WireFormat;
import io.runnel.server.streams.RecordWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A PutRecords body read token by token gives the records the general parse and validation give, and leaves every body
 * it does not plainly accept to them (whose errors the conformance tests check).
 */
class PutRecordsBodyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());

    @ParameterizedTest
    @EnumSource(WireFormat.class)
    void aValidBodyGivesTheRecordsTheGeneralWayGives(WireFormat format) throws Exception {
        ObjectNode body = body(format, 500);
        body.withArray("Records").add(record(format, "é".repeat(Members.MAX_PARTITION_KEY), new byte[Members.MAX_DATA]));
        body.withArray("Records").remove(0);
        body.put("StreamARN", "arn:aws:kinesis:us-east-1:000000000000:stream/orders");
        byte[] bytes = bytes(format, body);

        Request.Preread read = PutRecordsBody.read(format, bytes);

        assertNotNull(read);
        JsonNode tree = format.read(bytes);
        Validator.validate(tree, new PutRecordsAction().input());
        List<RecordWriter.Entry> expected = new ArrayList<>();
        tree.get("Records").forEach(r -> expected.add(PutRecordAction.entry(r)));
        @SuppressWarnings("unchecked")
        List<RecordWriter.Entry> entries = (List<RecordWriter.Entry>) read.value();
        assertEquals(expected.size(), entries.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i).partitionKey(), entries.get(i).partitionKey());
            assertArrayEquals(expected.get(i).data(), entries.get(i).data());
            assertEquals(expected.get(i).hashHigh(), entries.get(i).hashHigh());
            assertEquals(expected.get(i).hashLow(), entries.get(i).hashLow());
        }
        assertEquals("orders", read.members().get("StreamName").asText());
        assertEquals("arn:aws:kinesis:us-east-1:000000000000:stream/orders", read.members().get("StreamARN").asText());
    }

    @ParameterizedTest
    @EnumSource(WireFormat.class)
    void everyOtherBodyGoesTheGeneralWay(WireFormat format) throws Exception {
        List<Consumer<ObjectNode>> changes = List.of(
                b -> b.putNull("StreamName"),
                b -> b.put("StreamName", "not a name"),
                b -> b.put("StreamARN", "arn:aws:s3:::bucket"),
                b -> b.put("Unknown", 1),
                b -> b.put("StreamName", 7),
                b -> b.putArray("Records"),
                b -> b.putNull("Records"),
                b -> b.putObject("Records"),
                b -> b.withArray("Records").add(record(format, "k", new byte[1])).add(JSON.nullNode()),
                b -> ((ObjectNode) b.withArray("Records").get(0)).put("ExplicitHashKey", "1"),
                b -> ((ObjectNode) b.withArray("Records").get(0)).putNull("Data"),
                b -> ((ObjectNode) b.withArray("Records").get(0)).remove("PartitionKey"),
                b -> ((ObjectNode) b.withArray("Records").get(0)).put("PartitionKey", ""),
                b -> ((ObjectNode) b.withArray("Records").get(0)).put("PartitionKey", "k".repeat(Members.MAX_PARTITION_KEY + 1)),
                b -> ((ObjectNode) b.withArray("Records").get(0)).put("PartitionKey", 5),
                b -> b.withArray("Records").set(0, record(format, "k", new byte[Members.MAX_DATA + 1])),
                b -> ((ObjectNode) b.withArray("Records").get(0)).put("Data", format == WireFormat.CBOR ? "AAAA" : "AAA"),
                b -> ((ObjectNode) b.withArray("Records").get(0)).put("Data", format == WireFormat.CBOR ? "AAAA" : "A@A="),
                b -> ((ObjectNode) b.withArray("Records").get(0)).put("Other", "x"));
        for (Consumer<ObjectNode> change : changes) {
            ObjectNode body = body(format, 3);
            change.accept(body);
            assertNull(PutRecordsBody.read(format, bytes(format, body)), () -> "read itself: " + body);
        }
        ObjectNode many = body(format, 501);
        assertNull(PutRecordsBody.read(format, bytes(format, many)), "501 records");
        byte[] valid = bytes(format, body(format, 1));
        byte[] trailing = java.util.Arrays.copyOf(valid, valid.length + 1);
        assertNull(PutRecordsBody.read(format, trailing), "content after the body");
        assertNull(PutRecordsBody.read(format, java.util.Arrays.copyOf(valid, valid.length - 1)), "a cut body");
    }

    private static ObjectNode body(WireFormat format, int records) {
        ObjectNode body = JSON.createObjectNode().put("StreamName", "orders");
        ArrayNode list = body.putArray("Records");
        for (int i = 0; i < records; i++) {
            list.add(record(format, "key-" + i, ("record " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        return body;
    }

    /** A record as each format carries its data: a byte string in CBOR, base64 text in JSON. */
    private static ObjectNode record(WireFormat format, String partitionKey, byte[] data) {
        ObjectNode record = JSON.createObjectNode();
        if (format == WireFormat.CBOR) {
            record.put("Data", data);
        } else {
            record.put("Data", Base64.getEncoder().encodeToString(data));
        }
        return record.put("PartitionKey", partitionKey);
    }

    private static byte[] bytes(WireFormat format, ObjectNode body) throws Exception {
        return (format == WireFormat.CBOR ? CBOR : JSON).writeValueAsBytes(body);
    }
}
