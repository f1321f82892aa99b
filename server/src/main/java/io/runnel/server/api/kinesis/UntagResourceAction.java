package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Removes tags from a stream named by its ARN, as RemoveTagsFromStream does by name. */
final class UntagResourceAction implements KinesisAction {

    @Override
    public List<Member> input() {
        return List.of(Member.list("TagKeys", Member.string("member").length(1, 128)).length(1, 50).required(),
                Members.resourceArn());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Kinesis kinesis) {
        return RemoveTagsFromStreamAction.remove(kinesis, kinesis.streamNameOf("ResourceARN", request.string("ResourceARN")),
                request.node("TagKeys"));
    }
}
