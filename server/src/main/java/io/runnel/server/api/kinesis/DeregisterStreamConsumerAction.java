package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.http.ApiException;
import io.runnel.server.streams.StreamConsumers;

import java.util.List;
import java.util.concurrent.CompletableFuture;

final class DeregisterStreamConsumerAction implements KinesisAction {

    @Override
    public List<Member> input() {
        return List.of(Members.streamArn(), Members.consumerName(), Members.consumerArn());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Kinesis kinesis) {
        return kinesis.streams.change(() -> {
            Kinesis.Consumer found = kinesis.consumer(request);
            StreamConsumers.Consumer c = found.consumer();
            if (c.deregisteredAt() > 0) {
                throw ApiException.resourceInUse("Consumer " + kinesis.consumers.arn(c) + " is already being deleted.");
            }
            kinesis.consumers.save(new StreamConsumers.Consumer(c.streamName(), c.streamCreatedAt(), c.name(), c.createdAt(),
                    System.currentTimeMillis()));
            kinesis.subscriptions.endAll(kinesis.consumers.arn(c));
            return Kinesis.noBody();
        });
    }
}
