package io.runnel.server.api.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.dynamodb.DocumentPath;
import io.runnel.server.dynamodb.ExpressionParser;
import io.runnel.server.dynamodb.TableDefinition;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** GetItem; a consistent read first reads every write committed anywhere before it. */
final class GetItemAction implements DynamoDbAction {

    @Override
    public List<Member> input() {
        return List.of(DynamoDbMembers.tableName(), DynamoDbMembers.attributeMap("Key").required(),
                DynamoDbMembers.attributesToGet(), Member.bool("ConsistentRead"), DynamoDbMembers.returnConsumedCapacity(),
                Member.string("ProjectionExpression"), DynamoDbMembers.expressionNames());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, DynamoDb dynamo) {
        DynamoDb.noMixing(request, List.of("ProjectionExpression"), List.of("AttributesToGet"));
        TableDefinition table = dynamo.requireTable(request.string("TableName"));
        ObjectNode key = DynamoDb.requireKey(table, request.node("Key"));
        ExpressionParser expressions = DynamoDb.expressions(request);
        List<DocumentPath> projection = DynamoDb.projection(request, expressions);
        expressions.requireAllUsed();
        boolean consistent = request.has("ConsistentRead") && request.body().get("ConsistentRead").asBoolean();
        // A consistent read goes on off the thread that saw the catch-up done: Kafka's, which must not scan a table.
        CompletableFuture<Void> ready = consistent ? dynamo.tables.catchUp() : CompletableFuture.completedFuture(null);
        return ready.thenApplyAsync(v -> {
            ObjectNode response = DynamoDb.object();
            ObjectNode item = dynamo.tables.table(table.name()).map(t -> dynamo.tables.item(t, key)).orElse(null);
            if (item != null) {
                response.set("Item", DynamoDb.project(item, projection));
            }
            return response;
        });
    }
}
