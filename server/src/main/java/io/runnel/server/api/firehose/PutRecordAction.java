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

/** Appends one record to a DirectPut delivery stream; once acknowledged, it is durable and will be delivered. */
final class PutRecordAction implements FirehoseAction {

    static final int MAX_RECORD_BYTES = 1_024_000;

    @Override
    public List<Member> input() {
        return List.of(FirehoseMembers.deliveryStreamName(),
                Member.structure("Record", Member.blob("Data").required().length(0, MAX_RECORD_BYTES)).required());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Firehose firehose) {
        byte[] data = Request.blob(request.node("Record").get("Data"));
        return firehose.append(request.string("DeliveryStreamName"), List.of(data)).thenApply(results -> {
            RecordWriter.Result r = results.get(0);
            if (r.failed()) {
                throw new ApiException("ServiceUnavailableException", 503, r.errorMessage());
            }
            return (JsonNode) Firehose.object().put("RecordId", r.sequenceNumber()).put("Encrypted", false);
        });
    }
}
