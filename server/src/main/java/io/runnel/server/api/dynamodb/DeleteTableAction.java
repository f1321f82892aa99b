package io.runnel.server.api.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.dynamodb.DynamoDbException;
import io.runnel.server.dynamodb.TableDefinition;

import java.util.List;
import java.util.concurrent.CompletableFuture;

final class DeleteTableAction implements DynamoDbAction {

    @Override
    public List<Member> input() {
        return List.of(DynamoDbMembers.tableName());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, DynamoDb dynamo) {
        String name = request.string("TableName");
        return dynamo.tables.write(() -> {
            TableDefinition table = dynamo.requireTable(name);
            if (table.deletionProtection()) {
                throw DynamoDbException.validation("Resource cannot be deleted as it is currently protected against deletion. "
                        + "Disable deletion protection first.");
            }
            JsonNode description = dynamo.describe(table, "DELETING", null);
            dynamo.tables.removeTable(table);
            return DynamoDb.object().set("TableDescription", description);
        });
    }
}
