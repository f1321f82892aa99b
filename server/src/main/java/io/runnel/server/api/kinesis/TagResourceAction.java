package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Tags a stream named by its ARN, as AddTagsToStream does by name. */
final class TagResourceAction implements KinesisAction {

    @Override
    public List<Member> input() {
        return List.of(Member.stringMap("Tags").length(1, 200).keyLength(1, 128).valueLength(0, 256).required(),
                Members.resourceArn());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Kinesis kinesis) {
        return AddTagsToStreamAction.add(kinesis, kinesis.streamNameOf("ResourceARN", request.string("ResourceARN")),
                request.node("Tags"));
    }
}
