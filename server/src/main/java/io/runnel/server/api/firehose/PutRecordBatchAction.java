package io.runnel.server.api.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.firehose.DeliveryStream;
import io.runnel.server.http.ApiException;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.runnel.server.streams.RecordWriter;

import java.util.ArrayList;

/** Appends up to 500 records (4 MiB in all) to a DirectPut delivery stream, reporting each record's outcome. */
final class PutRecordBatchAction implements FirehoseAction {

    static final int MAX_BATCH_BYTES = 4 * 1024 * 1024;

    @Override
    public List<Member> input() {
        return List.of(FirehoseMembers.deliveryStreamName(),
                Member.list("Records", Member.structure("member",
                        Member.blob("Data").required().length(0, PutRecordAction.MAX_RECORD_BYTES))).required().length(1, 500));
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Firehose firehose) {
        List<byte[]> records = new ArrayList<>();
        long total = 0;
        for (JsonNode record : request.node("Records")) {
            byte[] data = Request.blob(record.get("Data"));
            total += data.length;
            records.add(data);
        }
        if (total > MAX_BATCH_BYTES) {
            throw ApiException.invalidArgument("Records size exceeds 4 MB limit");
        }
        return firehose.append(request.string("DeliveryStreamName"), records).thenApply(results -> {
            ObjectNode response = Firehose.object();
            var responses = response.putArray("RequestResponses");
            int failed = 0;
            for (RecordWriter.Result r : results) {
                if (r.failed()) {
                    failed++;
                    responses.addObject().put("ErrorCode", "ServiceUnavailableException").put("ErrorMessage", r.errorMessage());
                } else {
                    responses.addObject().put("RecordId", r.sequenceNumber());
                }
            }
            response.put("FailedPutCount", failed);
            response.put("Encrypted", false);
            return (JsonNode) response;
        });
    }
}
