package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.core.Shard;
import io.runnel.core.StreamMetadata;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.http.ApiException;

import java.util.List;
import java.util.concurrent.CompletableFuture;

final class MergeShardsAction implements KinesisAction {

    @Override
    public List<Member> input() {
        return List.of(Members.streamName(), Members.shardId("ShardToMerge").required(),
                Members.shardId("AdjacentShardToMerge").required(), Members.streamArn());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Kinesis kinesis) {
        String name = kinesis.streamName(request);
        String first = request.string("ShardToMerge");
        String second = request.string("AdjacentShardToMerge");
        return kinesis.streams.change(() -> {
            StreamMetadata stream = kinesis.requireActive(name);
            Shard shard = stream.shard(first);
            Shard adjacent = stream.shard(second);
            for (String id : List.of(first, second)) {
                if (stream.shard(id) == null) {
                    throw ApiException.resourceNotFound("Could not find shard " + id + " in stream " + name
                            + " under account " + kinesis.config.accountId + ".");
                }
                if (!stream.shard(id).open()) {
                    throw kinesis.notEligibleForResharding(stream.shard(id).shardId(), name);
                }
            }
            if (!shard.hashKeyRange().isFollowedBy(adjacent.hashKeyRange())
                    && !adjacent.hashKeyRange().isFollowedBy(shard.hashKeyRange())) {
                throw ApiException.invalidArgument("Shards " + shard.shardId() + " and " + adjacent.shardId() + " in stream " + name
                        + " under account " + kinesis.config.accountId + " are not an adjacent pair of shards eligible for merging");
            }
            long now = System.currentTimeMillis();
            kinesis.streams.reshard(stream, List.of(shard, adjacent), List.of(Shard.open(stream.shards().size(), shard.shardId(), adjacent.shardId(),
                    shard.hashKeyRange().union(adjacent.hashKeyRange()), now)), now);
            return Kinesis.noBody();
        });
    }
}
