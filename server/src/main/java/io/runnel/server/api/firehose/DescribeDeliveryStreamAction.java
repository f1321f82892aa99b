package io.runnel.server.api.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.firehose.DeliveryStream;
import io.runnel.server.http.ApiException;

import java.util.List;
import java.util.concurrent.CompletableFuture;

final class DescribeDeliveryStreamAction implements FirehoseAction {

    @Override
    public List<Member> input() {
        return List.of(FirehoseMembers.deliveryStreamName(), Member.integer("Limit").range(1, 10_000),
                Member.string("ExclusiveStartDestinationId").length(1, 100).pattern("[a-zA-Z0-9-]+"));
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Firehose firehose) {
        DeliveryStream stream = firehose.require(request.string("DeliveryStreamName"));
        ObjectNode response = Firehose.object();
        response.set("DeliveryStreamDescription", firehose.describe(stream));
        return Firehose.done(response);
    }
}
