package io.runnel.server.api.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.dynamodb.TableDefinition;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

final class UntagResourceAction implements DynamoDbAction {

    @Override
    public List<Member> input() {
        return List.of(DynamoDbMembers.resourceArn(),
                Member.list("TagKeys", Member.string("member").length(1, 128)).required());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, DynamoDb dynamo) {
        String arn = request.string("ResourceArn");
        return dynamo.tables.write(() -> {
            TableDefinition table = dynamo.requireTableArn(arn);
            Map<String, String> tags = new LinkedHashMap<>(table.tags());
            request.node("TagKeys").forEach(k -> tags.remove(k.asText()));
            dynamo.tables.putTable(table.withTags(tags));
            return DynamoDb.object();
        });
    }
}
