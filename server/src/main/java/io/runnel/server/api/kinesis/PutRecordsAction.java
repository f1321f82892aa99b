package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.http.ApiException;
import io.runnel.server.http.WireFormat;
import io.runnel.server.streams.RecordWriter;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

final class PutRecordsAction implements KinesisAction {

    private static final long MAX_REQUEST_BYTES = 5L * 1024 * 1024;
    // Encoded once: written for each of up to 500 results of every put.
    private static final SerializedString SEQUENCE_NUMBER = new SerializedString("SequenceNumber");
    private static final SerializedString SHARD_ID = new SerializedString("ShardId");

    @Override
    public List<Member> input() {
        return List.of(
                Member.list("Records", Member.structure("member", Members.data(), Members.hashKey("ExplicitHashKey"),
                        Members.partitionKey())).length(1, 500).required(),
                Members.streamName(),
                Members.streamArn());
    }

    @Override
    public Request.Preread preread(WireFormat format, byte[] body) {
        return PutRecordsBody.read(format, body);
    }

    @Override
    @SuppressWarnings("unchecked") // what PutRecordsBody reads
    public CompletableFuture<JsonNode> handle(Request request, Kinesis kinesis) {
        long start = System.nanoTime();
        String name = kinesis.streamName(request);
        List<RecordWriter.Entry> entries;
        if (request.preread() != null) {
            entries = (List<RecordWriter.Entry>) request.preread();
        } else {
            entries = new ArrayList<>();
            for (JsonNode record : request.node("Records")) {
                entries.add(PutRecordAction.entry(record));
            }
        }
        long bytes = 0;
        for (RecordWriter.Entry e : entries) {
            bytes += e.data().length + e.partitionKey().length;
        }
        if (bytes > MAX_REQUEST_BYTES) {
            throw ApiException.invalidArgument("Records size exceeds 5 MB limit");
        }
        return kinesis.streams.put(name, kinesis.writer, entries, () -> kinesis.streamNotFound(name)).thenApply(results -> {
            kinesis.metrics.putLatency(name, true, System.nanoTime() - start);
            ObjectNode response = Kinesis.object();
            response.put("FailedRecordCount", results.stream().filter(RecordWriter.Result::failed).count());
            response.set("Records", new POJONode(new ResultList(results)));
            return response;
        });
    }

    /** Up to 500 results, written straight to the response rather than built as a tree first. */
    private record ResultList(List<RecordWriter.Result> results) implements JsonSerializable {
        @Override
        public void serialize(JsonGenerator g, SerializerProvider provider) throws IOException {
            g.writeStartArray();
            for (RecordWriter.Result r : results) {
                g.writeStartObject();
                if (r.failed()) {
                    g.writeStringField("ErrorCode", r.errorCode());
                    g.writeStringField("ErrorMessage", r.errorMessage());
                } else {
                    g.writeFieldName(SEQUENCE_NUMBER);
                    g.writeString(r.sequenceNumber());
                    g.writeFieldName(SHARD_ID);
                    g.writeString(r.shardId());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        }

        @Override
        public void serializeWithType(JsonGenerator g, SerializerProvider provider, TypeSerializer typeSer) throws IOException {
            serialize(g, provider);
        }
    }
}
