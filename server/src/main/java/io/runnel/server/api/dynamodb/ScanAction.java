package io.runnel.server.api.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.dynamodb.AttributeValues;
import io.runnel.server.dynamodb.Condition;
import io.runnel.server.dynamodb.DocumentPath;
import io.runnel.server.dynamodb.DynamoDbException;
import io.runnel.server.dynamodb.DynamoTables;
import io.runnel.server.dynamodb.ExpressionParser;
import io.runnel.server.dynamodb.LegacyConditions;
import io.runnel.server.dynamodb.TableDefinition;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Scan: a table (or an index) in a fixed order, in pages. A parallel scan's segment of an item follows from its hash
 * key alone, so that every item is in exactly one segment.
 */
final class ScanAction implements DynamoDbAction {

    @Override
    public List<Member> input() {
        return List.of(DynamoDbMembers.tableName(), DynamoDbMembers.indexName(), DynamoDbMembers.attributesToGet(),
                Member.integer("Limit").minimum(1), DynamoDbMembers.select(), Member.map("ScanFilter", Member.structure("value")),
                DynamoDbMembers.conditionalOperator(), DynamoDbMembers.attributeMap("ExclusiveStartKey"),
                DynamoDbMembers.returnConsumedCapacity(), Member.integer("TotalSegments").range(1, 1_000_000),
                Member.integer("Segment").range(0, 999_999), Member.string("ProjectionExpression"),
                Member.string("FilterExpression"), DynamoDbMembers.expressionNames(), DynamoDbMembers.expressionValues(),
                Member.bool("ConsistentRead"));
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, DynamoDb dynamo) {
        DynamoDb.noMixing(request, List.of("FilterExpression", "ProjectionExpression"), List.of("ScanFilter", "AttributesToGet"));
        TableDefinition table = dynamo.requireTable(request.string("TableName"));
        TableDefinition.Index index = request.has("IndexName") ? QueryAction.requireIndex(table, request.string("IndexName")) : null;
        Integer segment = request.integer("Segment");
        Integer total = request.integer("TotalSegments");
        if (segment != null && total == null) {
            throw DynamoDbException.validation("The TotalSegments parameter is required but was not present in the request when Segment parameter is present");
        }
        if (total != null && segment == null) {
            throw DynamoDbException.validation("The Segment parameter is required but was not present in the request when parameter TotalSegments is present");
        }
        if (segment != null && segment >= total) {
            throw DynamoDbException.validation("The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: "
                    + segment + " is not less than TotalSegments: " + total);
        }
        ExpressionParser expressions = DynamoDb.expressions(request);
        Condition filter = request.has("FilterExpression") ? expressions.condition(request.string("FilterExpression"), "FilterExpression")
                : request.has("ScanFilter") ? LegacyConditions.filter(request.node("ScanFilter"), request.string("ConditionalOperator")) : null;
        List<DocumentPath> projection = DynamoDb.projection(request, expressions);
        expressions.requireAllUsed();
        boolean count = QueryAction.countOnly(request, projection, table, index);
        JsonNode startKey = request.node("ExclusiveStartKey");
        String after = startKey == null ? null : DynamoTables.position(table, DynamoDb.requireKey(table, table.key(startKey)));
        boolean consistent = request.has("ConsistentRead") && request.body().get("ConsistentRead").asBoolean();
        // A consistent read goes on off the thread that saw the catch-up done: Kafka's, which must not scan a table.
        CompletableFuture<Void> ready = consistent ? dynamo.tables.catchUp() : CompletableFuture.completedFuture(null);
        return ready.thenApplyAsync(v -> {
            List<ObjectNode> ordered = new ArrayList<>();
            for (DynamoTables.StoredItem stored : dynamo.tables.items(table)) {
                if (after != null && stored.position().compareTo(after) <= 0) {
                    continue;
                }
                if (segment != null && Math.floorMod(AttributeValues.keyText(stored.item().get(table.hashKey())).hashCode(), total) != segment) {
                    continue;
                }
                if (index != null && !ItemPage.indexed(stored.item(), index)) {
                    continue;
                }
                ordered.add(stored.item());
            }
            return ItemPage.of(ordered, request.integer("Limit"), filter, table, index, projection, count);
        });
    }
}
