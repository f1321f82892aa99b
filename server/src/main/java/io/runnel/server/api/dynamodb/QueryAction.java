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
import io.runnel.server.dynamodb.Operand;
import io.runnel.server.dynamodb.TableDefinition;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Query: the items of one hash key, of the table or of a global secondary index, in range key order, in pages. */
final class QueryAction implements DynamoDbAction {

    @Override
    public List<Member> input() {
        return List.of(DynamoDbMembers.tableName(), DynamoDbMembers.indexName(), DynamoDbMembers.select(),
                DynamoDbMembers.attributesToGet(), Member.integer("Limit").minimum(1), Member.bool("ConsistentRead"),
                Member.map("KeyConditions", Member.structure("value")), Member.map("QueryFilter", Member.structure("value")),
                DynamoDbMembers.conditionalOperator(), Member.bool("ScanIndexForward"),
                DynamoDbMembers.attributeMap("ExclusiveStartKey"), DynamoDbMembers.returnConsumedCapacity(),
                Member.string("ProjectionExpression"), Member.string("FilterExpression"),
                Member.string("KeyConditionExpression"), DynamoDbMembers.expressionNames(), DynamoDbMembers.expressionValues());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, DynamoDb dynamo) {
        DynamoDb.noMixing(request, List.of("KeyConditionExpression", "FilterExpression", "ProjectionExpression"),
                List.of("KeyConditions", "QueryFilter", "AttributesToGet"));
        TableDefinition table = dynamo.requireTable(request.string("TableName"));
        TableDefinition.Index index = request.has("IndexName") ? requireIndex(table, request.string("IndexName")) : null;
        boolean consistent = request.has("ConsistentRead") && request.body().get("ConsistentRead").asBoolean();
        if (consistent && index != null) {
            throw DynamoDbException.validation("Consistent reads are not supported on global secondary indexes");
        }
        String hashKey = index == null ? table.hashKey() : index.hashKey();
        String rangeKey = index == null ? table.rangeKey() : index.rangeKey();
        ExpressionParser expressions = DynamoDb.expressions(request);
        Condition keyCondition;
        if (request.has("KeyConditionExpression")) {
            keyCondition = expressions.condition(request.string("KeyConditionExpression"), "KeyConditionExpression");
        } else if (request.has("KeyConditions")) {
            keyCondition = LegacyConditions.filter(request.node("KeyConditions"), null);
        } else {
            throw DynamoDbException.validation("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.");
        }
        JsonNode hashValue = hashValue(keyCondition, hashKey, rangeKey);
        Condition filter = request.has("FilterExpression") ? expressions.condition(request.string("FilterExpression"), "FilterExpression")
                : request.has("QueryFilter") ? LegacyConditions.filter(request.node("QueryFilter"), request.string("ConditionalOperator")) : null;
        List<DocumentPath> projection = DynamoDb.projection(request, expressions);
        expressions.requireAllUsed();
        boolean count = countOnly(request, projection, table, index);
        boolean forward = !request.has("ScanIndexForward") || request.body().get("ScanIndexForward").asBoolean();
        Comparator<ObjectNode> order = order(table, rangeKey);
        if (!forward) {
            order = order.reversed();
        }
        JsonNode startKey = request.node("ExclusiveStartKey");
        ObjectNode start = startKey == null ? null : startKey.deepCopy();
        if (start != null) {
            DynamoDb.requireKey(table, table.key(start));
        }
        Comparator<ObjectNode> finalOrder = order;
        // A consistent read goes on off the thread that saw the catch-up done: Kafka's, which must not scan a table.
        CompletableFuture<Void> ready = consistent ? dynamo.tables.catchUp() : CompletableFuture.completedFuture(null);
        return ready.thenApplyAsync(v -> {
            List<ObjectNode> ordered = new ArrayList<>();
            for (DynamoTables.StoredItem stored : dynamo.tables.items(table)) {
                ObjectNode item = stored.item();
                if ((index == null || ItemPage.indexed(item, index)) && AttributeValues.equal(item.get(hashKey), hashValue)
                        && keyCondition.test(item) && (start == null || finalOrder.compare(item, start) > 0)) {
                    ordered.add(item);
                }
            }
            ordered.sort(finalOrder);
            return ItemPage.of(ordered, request.integer("Limit"), filter, table, index, projection, count);
        });
    }

    static TableDefinition.Index requireIndex(TableDefinition table, String name) {
        TableDefinition.Index index = table.index(name);
        if (index == null) {
            throw DynamoDbException.validation("The table does not have the specified index: " + name);
        }
        return index;
    }

    /** Range key order, then the table's key order, so that equal range keys (in an index) page in a fixed order. */
    private static Comparator<ObjectNode> order(TableDefinition table, String rangeKey) {
        Comparator<ObjectNode> byPosition = Comparator.comparing(item -> DynamoTables.position(table, item));
        if (rangeKey == null) {
            return byPosition;
        }
        return ((Comparator<ObjectNode>) (a, b) -> {
            Integer c = AttributeValues.compare(a.get(rangeKey), b.get(rangeKey));
            return c == null ? 0 : c;
        }).thenComparing(byPosition);
    }

    /**
     * The hash key value a key condition asks for; it may also bound the range key (=, <, <=, >, >=, BETWEEN,
     * begins_with), and nothing else.
     */
    private static JsonNode hashValue(Condition keyCondition, String hashKey, String rangeKey) {
        List<Condition> parts = new ArrayList<>();
        flatten(keyCondition, parts);
        JsonNode hashValue = null;
        for (Condition part : parts) {
            String attribute = keyAttribute(part);
            if (attribute == null || parts.size() > 2) {
                throw DynamoDbException.validation("Query key condition not supported");
            }
            if (attribute.equals(hashKey) && part instanceof Condition.Compare c && c.comparator() == Condition.Comparator.EQ
                    && c.right() instanceof Operand.Value value) {
                hashValue = value.value();
            } else if (!attribute.equals(rangeKey)) {
                throw DynamoDbException.validation("Query condition missed key schema element: " + hashKey);
            }
        }
        if (hashValue == null) {
            throw DynamoDbException.validation("Query condition missed key schema element: " + hashKey);
        }
        return hashValue;
    }

    private static void flatten(Condition c, List<Condition> parts) {
        if (c instanceof Condition.And and) {
            flatten(and.left(), parts);
            flatten(and.right(), parts);
        } else {
            parts.add(c);
        }
    }

    /** The key attribute a key condition part bounds, or null when it is not of a form a key condition may take. */
    private static String keyAttribute(Condition part) {
        Operand subject;
        if (part instanceof Condition.Compare c && c.comparator() != Condition.Comparator.NE && c.right() instanceof Operand.Value) {
            subject = c.left();
        } else if (part instanceof Condition.Between b && b.low() instanceof Operand.Value && b.high() instanceof Operand.Value) {
            subject = b.value();
        } else if (part instanceof Condition.BeginsWith b && b.prefix() instanceof Operand.Value) {
            subject = b.value();
        } else {
            return null;
        }
        return subject instanceof Operand.Path p && p.path().steps().size() == 1 ? p.path().attribute() : null;
    }

    /** Whether Select asks for a count alone; checks it against the projection and the index read. */
    static boolean countOnly(Request request, List<DocumentPath> projection, TableDefinition table, TableDefinition.Index index) {
        String select = request.string("Select");
        if (select == null) {
            return false;
        }
        if (projection != null && !select.equals("SPECIFIC_ATTRIBUTES")) {
            throw DynamoDbException.validation("Cannot specify the AttributesToGet or ProjectionExpression when choosing to get "
                    + select);
        }
        if (select.equals("ALL_ATTRIBUTES") && index != null && !index.projectionType().equals("ALL")) {
            throw DynamoDbException.validation("One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not "
                    + "supported for global secondary index " + index.name() + " because its projection type is not ALL");
        }
        if (select.equals("ALL_PROJECTED_ATTRIBUTES") && index == null) {
            throw DynamoDbException.validation("One or more parameter values were invalid: Select type ALL_PROJECTED_ATTRIBUTES "
                    + "is not supported for table " + table.name());
        }
        return select.equals("COUNT");
    }
}
