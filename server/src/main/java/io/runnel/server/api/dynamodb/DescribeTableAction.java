package io.runnel.server.api.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;

import java.util.List;
import java.util.concurrent.CompletableFuture;

final class DescribeTableAction implements DynamoDbAction {

    @Override
    public List<Member> input() {
        return List.of(DynamoDbMembers.tableName());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, DynamoDb dynamo) {
        return DynamoDb.done(DynamoDb.object().set("Table",
                dynamo.describe(dynamo.requireTable(request.string("TableName")), "ACTIVE", null)));
    }
}
