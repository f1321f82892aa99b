package io.runnel.server.api.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.dynamodb.TableDefinition;

import java.util.List;
import java.util.concurrent.CompletableFuture;

final class ListTablesAction implements DynamoDbAction {

    @Override
    public List<Member> input() {
        return List.of(Member.string("ExclusiveStartTableName").length(3, 255).pattern("[a-zA-Z0-9_.-]+"),
                Member.integer("Limit").range(1, 100));
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, DynamoDb dynamo) {
        String after = request.string("ExclusiveStartTableName");
        int limit = request.integer("Limit", 100);
        List<String> names = dynamo.tables.tables().stream().map(TableDefinition::name)
                .filter(n -> after == null || n.compareTo(after) > 0).toList();
        ObjectNode response = DynamoDb.object();
        ArrayNode page = response.putArray("TableNames");
        names.stream().limit(limit).forEach(page::add);
        if (names.size() > limit) {
            response.put("LastEvaluatedTableName", names.get(limit - 1));
        }
        return DynamoDb.done(response);
    }
}
