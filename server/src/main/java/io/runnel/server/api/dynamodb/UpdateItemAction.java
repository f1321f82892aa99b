package io.runnel.server.api.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.dynamodb.Condition;
import io.runnel.server.dynamodb.DynamoDbException;
import io.runnel.server.dynamodb.ExpressionParser;
import io.runnel.server.dynamodb.ItemUpdate;
import io.runnel.server.dynamodb.LegacyConditions;
import io.runnel.server.dynamodb.TableDefinition;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** UpdateItem: an UpdateExpression or legacy AttributeUpdates, on the item or on a new one made of the key. */
final class UpdateItemAction implements DynamoDbAction {

    @Override
    public List<Member> input() {
        return List.of(DynamoDbMembers.tableName(), DynamoDbMembers.attributeMap("Key").required(),
                Member.map("AttributeUpdates", Member.structure("value",
                        Member.string("Action").oneOf("ADD", "PUT", "DELETE"))),
                Member.map("Expected", Member.structure("value")), DynamoDbMembers.conditionalOperator(),
                DynamoDbMembers.returnValues("NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"),
                DynamoDbMembers.returnConsumedCapacity(), Member.string("ReturnItemCollectionMetrics").oneOf("SIZE", "NONE"),
                Member.string("UpdateExpression"), Member.string("ConditionExpression"), DynamoDbMembers.expressionNames(),
                DynamoDbMembers.expressionValues(), DynamoDbMembers.returnValuesOnConditionCheckFailure());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, DynamoDb dynamo) {
        TableDefinition table = dynamo.requireTable(request.string("TableName"));
        ObjectNode key = DynamoDb.requireKey(table, request.node("Key"));
        String returnValues = request.has("ReturnValues") ? request.string("ReturnValues") : "NONE";
        ExpressionParser expressions = DynamoDb.expressions(request);
        Condition condition = DynamoDb.writeCondition(request, expressions);
        ItemUpdate update = request.has("UpdateExpression") ? expressions.update(request.string("UpdateExpression"))
                : request.has("AttributeUpdates") ? LegacyConditions.attributeUpdates(request.node("AttributeUpdates"))
                : new ItemUpdate(List.of());
        expressions.requireAllUsed();
        for (String k : table.keyAttributes()) {
            if (update.attributes().contains(k)) {
                throw DynamoDbException.validation("One or more parameter values were invalid: Cannot update attribute " + k
                        + ". This attribute is part of the key");
            }
        }
        return dynamo.tables.write(() -> {
            TableDefinition current = dynamo.requireTable(table.name());
            ObjectNode old = dynamo.tables.item(current, key);
            DynamoDb.requireCondition(request, condition, old);
            ObjectNode updated = old != null ? old.deepCopy() : key.deepCopy();
            update.apply(updated);
            DynamoDb.checkItem(current, updated);
            dynamo.tables.putItem(current, updated);
            ObjectNode response = DynamoDb.object();
            ObjectNode attributes = switch (returnValues) {
                case "ALL_OLD" -> old;
                case "UPDATED_OLD" -> old == null ? null : DynamoDb.only(old, update.attributes());
                case "ALL_NEW" -> updated;
                case "UPDATED_NEW" -> DynamoDb.only(updated, update.attributes());
                default -> null;
            };
            if (attributes != null && !DynamoDb.isEmpty(attributes)) {
                response.set("Attributes", attributes);
            }
            return response;
        });
    }
}
