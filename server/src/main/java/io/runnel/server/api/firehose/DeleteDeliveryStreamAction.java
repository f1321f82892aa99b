package io.runnel.server.api.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.firehose.DeliveryStream;
import io.runnel.server.http.ApiException;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Deletes a delivery stream: its job is stopped, its internal stream deleted; it is gone at once. */
final class DeleteDeliveryStreamAction implements FirehoseAction {

    @Override
    public List<Member> input() {
        return List.of(FirehoseMembers.deliveryStreamName(), Member.bool("AllowForceDelete"));
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Firehose firehose) {
        String name = request.string("DeliveryStreamName");
        return firehose.deliveryStreams.change(() -> {
            firehose.deliveryStreams.delete(firehose.require(name));
            return (JsonNode) Firehose.object();
        });
    }
}
