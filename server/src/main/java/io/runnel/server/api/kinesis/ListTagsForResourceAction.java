package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.core.StreamMetadata;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Every tag of a stream named by its ARN, in key order: a stream has at most 50, so there is no paging. */
final class ListTagsForResourceAction implements KinesisAction {

    @Override
    public List<Member> input() {
        return List.of(Members.resourceArn());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Kinesis kinesis) {
        StreamMetadata stream = kinesis.require(kinesis.streamNameOf("ResourceARN", request.string("ResourceARN")));
        ObjectNode response = Kinesis.object();
        ArrayNode tags = response.putArray("Tags");
        stream.tags().forEach((key, value) -> tags.addObject().put("Key", key).put("Value", value));
        return Kinesis.done(response);
    }
}
