package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.core.HashKey;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.http.ApiException;
import io.runnel.server.streams.RecordWriter;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

final class PutRecordAction implements KinesisAction {

    @Override
    public List<Member> input() {
        return List.of(Members.streamName(), Members.data(), Members.partitionKey(),
                Members.hashKey("ExplicitHashKey"), Members.sequenceNumber("SequenceNumberForOrdering"),
                Members.streamArn());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Kinesis kinesis) {
        long start = System.nanoTime();
        String name = kinesis.streamName(request);
        RecordWriter.Entry entry = entry(request.body());
        // SequenceNumberForOrdering needs nothing more: within a shard, a later put always gets a larger
        // sequence number, because it is appended after the earlier one.
        return kinesis.streams.put(name, kinesis.writer, List.of(entry), () -> kinesis.streamNotFound(name)).thenApply(results -> {
            RecordWriter.Result r = results.get(0);
            kinesis.metrics.putLatency(name, false, System.nanoTime() - start);
            if (r.failed()) {
                throw ApiException.internal(r.errorMessage());
            }
            return Kinesis.object().put("ShardId", r.shardId()).put("SequenceNumber", r.sequenceNumber());
        });
    }

    /** Reads one record to put, from a PutRecord body or one PutRecords entry. */
    static RecordWriter.Entry entry(JsonNode record) {
        byte[] partitionKey = record.get("PartitionKey").asText().getBytes(StandardCharsets.UTF_8);
        JsonNode explicit = record.get("ExplicitHashKey");
        if (explicit == null || explicit.isNull()) {
            return RecordWriter.Entry.keyed(partitionKey, Request.blob(record.get("Data")));
        }
        BigInteger hashKey = HashKey.parseExplicit(explicit.asText());
        if (!HashKey.inRange(hashKey)) {
            throw ApiException.invalidArgument("Invalid ExplicitHashKey. ExplicitHashKey must be in the range: "
                    + "[0, 2^128-1]. Specified value was " + explicit.asText());
        }
        return RecordWriter.Entry.explicit(partitionKey, hashKey, Request.blob(record.get("Data")));
    }
}
