package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.api.validation.Validator;
import io.runnel.server.http.ApiException;
import io.runnel.server.http.WireFormat;
import io.runnel.server.streams.RecordWriter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A PutRecords body read token by token straight into the records to write, when it is one that validation passes as
 * it stands: building a tree of up to 500 records and walking it again to validate them was a third of the CPU a put
 * took. It takes StreamName and StreamARN, and records of Data (a byte string in CBOR, base64 in JSON) and PartitionKey
 * within their bounds. Anything else (a null, a member it does not take or takes twice, an ExplicitHashKey, a value out
 * of bounds or of another type) gives null, and the body goes the general way, whose parse and validation word every
 * error as Kinesis does.
 */
final class PutRecordsBody {

    private static final int MAX_RECORDS = 500;
    /** The members besides Records, validated as every request's are. */
    private static final List<Member> STREAM = List.of(Members.streamName(), Members.streamArn());

    private PutRecordsBody() {
    }

    /** The body's stream members and its records ({@code List<RecordWriter.Entry>}), or null. */
    static Request.Preread read(WireFormat format, byte[] body) {
        try (JsonParser p = format.parser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            ObjectNode members = JsonNodeFactory.instance.objectNode();
            List<RecordWriter.Entry> records = null;
            JsonToken t;
            for (t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals("Records") && value == JsonToken.START_ARRAY && records == null) {
                    records = records(p, format);
                    if (records == null) {
                        return null;
                    }
                } else if ((name.equals("StreamName") || name.equals("StreamARN")) && value == JsonToken.VALUE_STRING
                        && !members.has(name)) {
                    members.put(name, p.getText());
                } else {
                    return null;
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null || records == null) {
                return null;
            }
            Validator.validate(members, STREAM);
            return new Request.Preread(members, records);
        } catch (IOException | ApiException e) {
            return null;
        }
    }

    private static List<RecordWriter.Entry> records(JsonParser p, WireFormat format) throws IOException {
        List<RecordWriter.Entry> records = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t != JsonToken.START_OBJECT || records.size() == MAX_RECORDS) {
                return null;
            }
            byte[] partitionKey = null;
            byte[] data = null;
            for (JsonToken f = p.nextToken(); f == JsonToken.FIELD_NAME; f = p.nextToken()) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals("Data") && data == null) {
                    data = data(p, value, format);
                    if (data == null) {
                        return null;
                    }
                } else if (name.equals("PartitionKey") && value == JsonToken.VALUE_STRING && partitionKey == null) {
                    String key = p.getText();
                    int length = key.codePointCount(0, key.length());
                    if (length < 1 || length > Members.MAX_PARTITION_KEY) {
                        return null;
                    }
                    partitionKey = key.getBytes(StandardCharsets.UTF_8);
                } else {
                    return null;
                }
            }
            if (partitionKey == null || data == null) {
                return null;
            }
            records.add(RecordWriter.Entry.keyed(partitionKey, data));
        }
        return records.isEmpty() ? null : records;
    }

    /** A record's data as each format sends it, within bounds; null otherwise. */
    private static byte[] data(JsonParser p, JsonToken value, WireFormat format) throws IOException {
        byte[] data;
        if (format == WireFormat.CBOR && value == JsonToken.VALUE_EMBEDDED_OBJECT) {
            data = p.getBinaryValue();
        } else if (format == WireFormat.JSON && value == JsonToken.VALUE_STRING) {
            String text = p.getText();
            if (text.length() % 4 != 0) {
                return null;
            }
            try {
                data = Base64.getDecoder().decode(text);
            } catch (IllegalArgumentException e) {
                return null;
            }
        } else {
            return null;
        }
        return data != null && data.length <= Members.MAX_DATA ? data : null;
    }
}
