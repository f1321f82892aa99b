package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.core.HashKeyRange;
import io.runnel.core.Shard;
import io.runnel.core.StreamMetadata;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.http.ApiException;

import java.math.BigInteger;
import java.util.List;
import java.util.concurrent.CompletableFuture;

final class SplitShardAction implements KinesisAction {

    @Override
    public List<Member> input() {
        return List.of(Members.streamName(), Members.shardId("ShardToSplit").required(),
                Members.hashKey("NewStartingHashKey").required(), Members.streamArn());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Kinesis kinesis) {
        String name = kinesis.streamName(request);
        String shardId = request.string("ShardToSplit");
        BigInteger newStart = new BigInteger(request.string("NewStartingHashKey"));
        return kinesis.streams.change(() -> {
            StreamMetadata stream = kinesis.requireActive(name);
            Shard parent = stream.shard(shardId);
            if (parent == null) {
                throw ApiException.resourceNotFound("Could not find shard " + shardId + " in stream " + name
                        + " under account " + kinesis.config.accountId + ".");
            }
            if (!parent.open()) {
                throw kinesis.notEligibleForResharding(parent.shardId(), name);
            }
            HashKeyRange range = parent.hashKeyRange();
            if (newStart.compareTo(range.start().add(BigInteger.ONE)) <= 0 || newStart.compareTo(range.end()) >= 0) {
                throw ApiException.invalidArgument("NewStartingHashKey " + newStart + " used in SplitShard() on shard "
                        + parent.shardId() + " in stream " + name + " under account " + kinesis.config.accountId
                        + " is not both greater than one plus the shard's StartingHashKey " + range.start()
                        + " and less than the shard's EndingHashKey " + range.end() + ".");
            }
            kinesis.checkShardLimit(1);
            long now = System.currentTimeMillis();
            int next = stream.shards().size();
            kinesis.streams.reshard(stream, List.of(parent), List.of(
                    Shard.open(next, parent.shardId(), null, new HashKeyRange(range.start(), newStart.subtract(BigInteger.ONE)), now),
                    Shard.open(next + 1, parent.shardId(), null, new HashKeyRange(newStart, range.end()), now)), now);
            return Kinesis.noBody();
        });
    }
}
