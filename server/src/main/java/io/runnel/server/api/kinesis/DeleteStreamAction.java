package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.core.StreamMetadata;
import io.runnel.core.StreamStatus;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.http.ApiException;

import java.util.List;
import java.util.concurrent.CompletableFuture;

final class DeleteStreamAction implements KinesisAction {

    @Override
    public List<Member> input() {
        return List.of(Members.streamName(), Member.bool("EnforceConsumerDeletion"), Members.streamArn());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Kinesis kinesis) {
        String name = kinesis.streamName(request);
        return kinesis.streams.change(() -> {
            StreamMetadata stream = kinesis.require(name);
            // A CREATING stream may be deleted, as on Kinesis: the control loop then drops its topic, if it made one.
            if (stream.status() == StreamStatus.DELETING) {
                throw ApiException.resourceInUse("Stream " + name + " under account " + kinesis.config.accountId
                        + " not ACTIVE, instead in state " + stream.status());
            }
            boolean enforce = request.has("EnforceConsumerDeletion") && request.body().get("EnforceConsumerDeletion").asBoolean();
            if (!enforce && !kinesis.consumers.of(stream).isEmpty()) {
                throw ApiException.resourceInUse("DeleteStream can\u2019t delete " + kinesis.config.accountId + ":" + name
                        + " because there are consumers associated with this data stream. To delete " + name + " anyway, set the "
                        + "EnforceConsumerDeletion parameter to true to force the deletion of all the consumers that are associated with it.");
            }
            kinesis.streams.save(stream.withStatus(StreamStatus.DELETING, System.currentTimeMillis()));
            return Kinesis.noBody();
        });
    }
}
