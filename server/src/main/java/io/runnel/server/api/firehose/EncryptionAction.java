package io.runnel.server.api.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.firehose.DeliveryStream;
import io.runnel.server.http.ApiException;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Start/StopDeliveryStreamEncryption: Runnel does not encrypt delivery streams' buffers, and says so. */
final class EncryptionAction implements FirehoseAction {

    private final String operation;

    EncryptionAction(String operation) {
        this.operation = operation;
    }

    @Override
    public List<Member> input() {
        return List.of(FirehoseMembers.deliveryStreamName(),
                Member.structure("DeliveryStreamEncryptionConfigurationInput",
                        Member.string("KeyARN").length(1, 512).pattern(FirehoseMembers.ARN_PATTERN),
                        Member.string("KeyType").required().oneOf("AWS_OWNED_CMK", "CUSTOMER_MANAGED_CMK")));
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Firehose firehose) {
        firehose.require(request.string("DeliveryStreamName"));
        throw ApiException.invalidArgument(operation + " is not supported by Runnel: it does not encrypt delivery streams "
                + "(encrypt the bucket on the S3 store instead).");
    }
}
