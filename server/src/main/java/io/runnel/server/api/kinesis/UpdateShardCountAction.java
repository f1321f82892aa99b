package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.core.HashKeyRange;
import io.runnel.core.Shard;
import io.runnel.core.StreamMetadata;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.http.ApiException;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Uniform scaling done the way Kinesis does it: by splitting shards at the new boundaries and then merging
 * the pieces of each new range, so every shard has at most two parents and readers that finish parents
 * before children keep each key in order. Intermediate shards are created closed and empty.
 */
final class UpdateShardCountAction implements KinesisAction {

    @Override
    public List<Member> input() {
        return List.of(Members.streamName(), Member.integer("TargetShardCount").minimum(1).required(),
                Member.string("ScalingType").required().oneOf("UNIFORM_SCALING"), Members.streamArn());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Kinesis kinesis) {
        String name = kinesis.streamName(request);
        int target = request.integer("TargetShardCount");
        return kinesis.streams.change(() -> {
            StreamMetadata stream = kinesis.requireActive(name);
            List<Shard> open = new ArrayList<>(stream.openShards());
            int current = open.size();
            String counts = ". Current open shard count: " + current + ", Target shard count: " + target;
            if (target > kinesis.config.shardLimit) {
                throw ApiException.limitExceeded("Target shard count or number of open shards cannot be greater than "
                        + kinesis.config.shardLimit + counts);
            }
            if (target > 2L * current) {
                throw ApiException.limitExceeded("UpdateShardCount cannot scale up over double your current open shard count" + counts);
            }
            if (2L * target < current) {
                throw ApiException.limitExceeded("UpdateShardCount cannot scale down below half your current open shard count" + counts);
            }
            if (target == current) {
                throw ApiException.invalidArgument("Stream " + name + " under account " + kinesis.config.accountId
                        + " already has " + target + " open shards.");
            }
            kinesis.checkShardLimit(target - current);
            long now = System.currentTimeMillis();
            Plan plan = new Plan(stream.shards().size(), now);
            open.sort(Comparator.comparing(s -> s.hashKeyRange().start()));
            List<Shard> pieces = new ArrayList<>();
            List<BigInteger> boundaries = HashKeyRange.uniformBoundaries(target);
            for (Shard s : open) {
                pieces.addAll(plan.splitAt(s, boundaries));
            }
            List<HashKeyRange> ranges = HashKeyRange.uniform(target);
            for (HashKeyRange range : ranges) {
                Shard merged = null;
                for (Shard piece : pieces) {
                    if (range.contains(piece.hashKeyRange().start())) {
                        merged = merged == null ? piece : plan.merge(merged, piece);
                    }
                }
                plan.keepOpen(merged);
            }
            List<Shard> replaced = open.stream().filter(s -> !plan.keptOpen(s)).toList();
            kinesis.streams.reshard(stream, replaced, plan.created(), now);
            return Kinesis.object().put("StreamName", name).put("CurrentShardCount", current)
                    .put("TargetShardCount", target).put("StreamARN", kinesis.arn(stream));
        });
    }

    /** The shards a scaling creates, in creation order; all but the final ones are closed and empty. */
    private static final class Plan {
        private final List<Shard> created = new ArrayList<>();
        private final List<Shard> finals = new ArrayList<>();
        private final int firstIndex;
        private final long now;

        Plan(int firstIndex, long now) {
            this.firstIndex = firstIndex;
            this.now = now;
        }

        private Shard add(String parent, String adjacent, HashKeyRange range) {
            Shard s = Shard.open(firstIndex + created.size(), parent, adjacent, range, now);
            created.add(s);
            return s;
        }

        /** Splits a shard at every boundary inside its range; returns the pieces, left to right. */
        List<Shard> splitAt(Shard shard, List<BigInteger> boundaries) {
            List<Shard> pieces = new ArrayList<>();
            Shard rest = shard;
            for (BigInteger b : boundaries) {
                HashKeyRange r = rest.hashKeyRange();
                if (b.compareTo(r.start()) > 0 && b.compareTo(r.end()) <= 0) {
                    pieces.add(add(rest.shardId(), null, new HashKeyRange(r.start(), b.subtract(BigInteger.ONE))));
                    rest = add(rest.shardId(), null, new HashKeyRange(b, r.end()));
                }
            }
            pieces.add(rest);
            return pieces;
        }

        Shard merge(Shard left, Shard right) {
            return add(left.shardId(), right.shardId(), left.hashKeyRange().union(right.hashKeyRange()));
        }

        void keepOpen(Shard shard) {
            finals.add(shard);
        }

        /** True for a shard that stays open: a new final shard, or an old one that neither splits nor merges. */
        boolean keptOpen(Shard shard) {
            return finals.contains(shard);
        }

        /** Every created shard; those not kept open are closed at offset 0, as nothing was ever written to them. */
        List<Shard> created() {
            List<Shard> result = new ArrayList<>();
            for (Shard s : created) {
                result.add(finals.contains(s) ? s : s.close(0, now));
            }
            return result;
        }
    }
}
