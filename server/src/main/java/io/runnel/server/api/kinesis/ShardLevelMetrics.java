package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.core.StreamMetadata;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Enhanced monitoring's shard-level metrics, which EnableEnhancedMonitoring and DisableEnhancedMonitoring switch on
 * and off. Runnel keeps the choice and describes it; the metrics it serves do not depend on it.
 */
final class ShardLevelMetrics {

    /** Every metric, in the AWS model's order; {@code ALL} names them all. */
    static final List<String> METRICS = List.of("IncomingBytes", "IncomingRecords", "OutgoingBytes", "OutgoingRecords",
            "WriteProvisionedThroughputExceeded", "ReadProvisionedThroughputExceeded", "IteratorAgeMilliseconds");

    private ShardLevelMetrics() {
    }

    static List<Member> input() {
        String[] names = new String[METRICS.size() + 1];
        METRICS.toArray(names);
        names[METRICS.size()] = "ALL";
        return List.of(Members.streamName(),
                Member.list("ShardLevelMetrics", Member.string("member").oneOf(names)).length(1, 7).required(),
                Members.streamArn());
    }

    /** Turns the named metrics on ({@code enable}) or off, and answers with the metrics before and after. */
    static CompletableFuture<JsonNode> change(Request request, Kinesis kinesis, boolean enable) {
        String name = kinesis.streamName(request);
        Set<String> named = new HashSet<>();
        request.node("ShardLevelMetrics").forEach(m -> named.addAll(m.asText().equals("ALL") ? METRICS : List.of(m.asText())));
        return kinesis.streams.change(() -> {
            StreamMetadata stream = kinesis.requireActive(name);
            List<String> current = stream.shardLevelMetrics();
            List<String> desired = METRICS.stream()
                    .filter(m -> enable ? current.contains(m) || named.contains(m) : current.contains(m) && !named.contains(m))
                    .toList();
            if (!desired.equals(current)) {
                kinesis.streams.save(stream.withShardLevelMetrics(desired));
            }
            ObjectNode response = Kinesis.object().put("StreamName", name);
            current.forEach(response.putArray("CurrentShardLevelMetrics")::add);
            desired.forEach(response.putArray("DesiredShardLevelMetrics")::add);
            return response.put("StreamARN", kinesis.arn(stream));
        });
    }
}
