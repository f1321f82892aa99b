package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.core.StreamMetadata;
import io.runnel.core.StreamMetadata.StreamMode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Switches a stream between provisioned and on-demand capacity. Runnel's shards are as fast either way, so only the
 * mode it describes changes, and the account's on-demand stream limit is checked.
 */
final class UpdateStreamModeAction implements KinesisAction {

    @Override
    public List<Member> input() {
        return List.of(Members.streamArn().required(),
                Member.structure("StreamModeDetails", Member.string("StreamMode").required().oneOf("PROVISIONED", "ON_DEMAND"))
                        .required(),
                Member.integer("WarmThroughputMiBps").minimum(0));
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Kinesis kinesis) {
        String name = kinesis.streamName(request);
        StreamMode mode = StreamMode.valueOf(request.node("StreamModeDetails").get("StreamMode").asText());
        return kinesis.streams.change(() -> {
            StreamMetadata stream = kinesis.requireActive(name);
            if (stream.mode() != mode) {
                if (mode == StreamMode.ON_DEMAND) {
                    kinesis.checkOnDemandStreamLimit();
                }
                kinesis.streams.save(stream.withMode(mode));
            }
            return Kinesis.noBody();
        });
    }
}
