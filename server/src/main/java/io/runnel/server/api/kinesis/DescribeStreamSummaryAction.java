package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.core.StreamMetadata;
import io.runnel.core.StreamStatus;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;

import java.util.List;
import java.util.concurrent.CompletableFuture;

final class DescribeStreamSummaryAction implements KinesisAction {

    @Override
    public List<Member> input() {
        return List.of(Members.streamName(), Members.streamArn());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Kinesis kinesis) {
        StreamMetadata stream = kinesis.require(kinesis.streamName(request));
        ObjectNode d = Kinesis.object()
                .put("StreamName", stream.name())
                .put("StreamARN", kinesis.arn(stream))
                .put("StreamStatus", stream.status().name());
        d.set("StreamModeDetails", Kinesis.modeNode(stream));
        d.put("RetentionPeriodHours", stream.retentionHours());
        d.set("StreamCreationTimestamp", Kinesis.timestamp(stream.createdAt()));
        d.set("EnhancedMonitoring", Kinesis.enhancedMonitoringNode(stream));
        d.put("EncryptionType", "NONE");
        d.put("OpenShardCount", stream.status() == StreamStatus.CREATING ? 0 : stream.openShards().size());
        d.put("ConsumerCount", kinesis.consumers.of(stream).size());
        ObjectNode response = Kinesis.object();
        response.set("StreamDescriptionSummary", d);
        return Kinesis.done(response);
    }
}
