package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.http.ApiException;
import io.runnel.server.streams.RecordWriter;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

final class PutRecordsAction implements KinesisAction {

    private static final long MAX_REQUEST_BYTES = 5L * 1024 * 1024;

    @Override
    public List<Member> input() {
        return List.of(
                Member.list("Records", Member.structure("member", Members.data(), Members.hashKey("ExplicitHashKey"),
                        Members.partitionKey())).length(1, 500).required(),
                Members.streamName(),
                Members.streamArn());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Kinesis kinesis) {
        String name = kinesis.streamName(request);
        List<RecordWriter.Entry> entries = new ArrayList<>();
        long bytes = 0;
        for (JsonNode record : request.node("Records")) {
            RecordWriter.Entry e = PutRecordAction.entry(record);
            bytes += e.data().length + e.partitionKey().getBytes(StandardCharsets.UTF_8).length;
            entries.add(e);
        }
        if (bytes > MAX_REQUEST_BYTES) {
            throw ApiException.invalidArgument("Records size exceeds 5 MB limit");
        }
        return kinesis.streams.withOpenShards(name, stream -> {
            if (stream == null) {
                throw kinesis.streamNotFound(name);
            }
            kinesis.requireReadable(name);
            return kinesis.writer.put(stream, entries);
        }).thenApply(results -> {
            ObjectNode response = Kinesis.object();
            ArrayNode list = response.putArray("Records");
            int failed = 0;
            for (RecordWriter.Result r : results) {
                if (r.failed()) {
                    failed++;
                    list.addObject().put("ErrorCode", r.errorCode()).put("ErrorMessage", r.errorMessage());
                } else {
                    list.addObject().put("SequenceNumber", r.sequenceNumber()).put("ShardId", r.shardId());
                }
            }
            response.put("FailedRecordCount", failed);
            return response;
        });
    }
}
