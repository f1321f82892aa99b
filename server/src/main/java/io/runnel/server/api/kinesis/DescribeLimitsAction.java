package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.core.StreamMetadata.StreamMode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;

import java.util.List;
import java.util.concurrent.CompletableFuture;

final class DescribeLimitsAction implements KinesisAction {

    @Override
    public List<Member> input() {
        return List.of();
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Kinesis kinesis) {
        long onDemand = kinesis.streams.all().stream().filter(s -> s.mode() == StreamMode.ON_DEMAND).count();
        return Kinesis.done(Kinesis.object()
                .put("ShardLimit", kinesis.config.shardLimit)
                .put("OpenShardCount", kinesis.streams.openShardCount())
                .put("OnDemandStreamCount", onDemand)
                .put("OnDemandStreamCountLimit", kinesis.config.onDemandStreamLimit));
    }
}
