package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;

import java.util.List;
import java.util.concurrent.CompletableFuture;

final class DisableEnhancedMonitoringAction implements KinesisAction {

    @Override
    public List<Member> input() {
        return ShardLevelMetrics.input();
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Kinesis kinesis) {
        return ShardLevelMetrics.change(request, kinesis, false);
    }
}
