package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.core.StreamMetadata;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.http.ApiException;

import java.util.List;
import java.util.concurrent.CompletableFuture;

final class DecreaseStreamRetentionPeriodAction implements KinesisAction {

    @Override
    public List<Member> input() {
        return List.of(Members.streamName(), Member.integer("RetentionPeriodHours").required(), Members.streamArn());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Kinesis kinesis) {
        String name = kinesis.streamName(request);
        int hours = request.integer("RetentionPeriodHours");
        RetentionPeriod.check(hours);
        return kinesis.streams.change(() -> {
            StreamMetadata stream = kinesis.requireActive(name);
            if (hours > stream.retentionHours()) {
                throw ApiException.invalidArgument("Requested retention period (" + hours + " hours) for stream " + name
                        + " can not be longer than existing retention period (" + stream.retentionHours()
                        + " hours). Use IncreaseRetentionPeriod API.");
            }
            kinesis.streams.setRetention(stream, hours);
            kinesis.streams.save(stream.withRetentionHours(hours));
            return Kinesis.object();
        });
    }
}
