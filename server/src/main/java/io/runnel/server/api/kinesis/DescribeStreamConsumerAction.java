package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;

import java.util.List;
import java.util.concurrent.CompletableFuture;

final class DescribeStreamConsumerAction implements KinesisAction {

    @Override
    public List<Member> input() {
        return List.of(Members.streamArn(), Members.consumerName(), Members.consumerArn());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Kinesis kinesis) {
        Kinesis.Consumer found = kinesis.consumer(request);
        ObjectNode description = kinesis.consumerNode(found.consumer()).put("StreamARN", kinesis.arn(found.stream()));
        return Kinesis.done(Kinesis.object().set("ConsumerDescription", description));
    }
}
