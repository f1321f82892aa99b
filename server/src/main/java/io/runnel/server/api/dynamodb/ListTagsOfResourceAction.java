package io.runnel.server.api.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;

import java.util.List;
import java.util.concurrent.CompletableFuture;

final class ListTagsOfResourceAction implements DynamoDbAction {

    @Override
    public List<Member> input() {
        return List.of(DynamoDbMembers.resourceArn(), Member.string("NextToken"));
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, DynamoDb dynamo) {
        ObjectNode response = DynamoDb.object();
        ArrayNode tags = response.putArray("Tags");
        dynamo.requireTableArn(request.string("ResourceArn")).tags().forEach((k, v) -> tags.addObject().put("Key", k).put("Value", v));
        return DynamoDb.done(response);
    }
}
