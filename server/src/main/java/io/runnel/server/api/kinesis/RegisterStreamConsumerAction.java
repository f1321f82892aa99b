package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.core.StreamMetadata;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.http.ApiException;
import io.runnel.server.streams.StreamConsumers;

import java.util.List;
import java.util.concurrent.CompletableFuture;

final class RegisterStreamConsumerAction implements KinesisAction {

    @Override
    public List<Member> input() {
        return List.of(Members.streamArn().required(), Members.consumerName().required(), Members.tagMap());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Kinesis kinesis) {
        String streamName = kinesis.streamName(request);
        String name = request.string("ConsumerName");
        return kinesis.streams.change(() -> {
            StreamMetadata stream = kinesis.requireReadable(streamName);
            List<StreamConsumers.Consumer> existing = kinesis.consumers.of(stream);
            if (existing.stream().anyMatch(c -> c.name().equals(name))) {
                throw ApiException.resourceInUse("Consumer " + name + " under stream " + kinesis.arn(stream)
                        + " already exists for account " + kinesis.config.accountId + ".");
            }
            if (existing.size() >= Kinesis.MAX_CONSUMERS) {
                throw ApiException.limitExceeded("Consumer limit of " + Kinesis.MAX_CONSUMERS + " reached for stream "
                        + kinesis.arn(stream) + ".");
            }
            StreamConsumers.Consumer consumer = kinesis.consumers.save(new StreamConsumers.Consumer(
                    stream.name(), stream.createdAt(), name, System.currentTimeMillis(), 0));
            return Kinesis.object().set("Consumer", kinesis.consumerNode(consumer));
        });
    }
}
