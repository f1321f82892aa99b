package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;

import java.util.List;
import java.util.concurrent.CompletableFuture;

final class DecreaseStreamRetentionPeriodAction implements KinesisAction {

    @Override
    public List<Member> input() {
        return RetentionPeriod.input();
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Kinesis kinesis) {
        return RetentionPeriod.change(request, kinesis, false);
    }
}
