package io.runnel.server.api.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.dynamodb.Condition;
import io.runnel.server.dynamodb.ExpressionParser;
import io.runnel.server.dynamodb.TableDefinition;

import java.util.List;
import java.util.concurrent.CompletableFuture;

final class PutItemAction implements DynamoDbAction {

    @Override
    public List<Member> input() {
        return List.of(DynamoDbMembers.tableName(), DynamoDbMembers.attributeMap("Item").required(),
                Member.map("Expected", Member.structure("value")), DynamoDbMembers.returnValues("NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"),
                DynamoDbMembers.returnConsumedCapacity(), Member.string("ReturnItemCollectionMetrics").oneOf("SIZE", "NONE"),
                DynamoDbMembers.conditionalOperator(), Member.string("ConditionExpression"), DynamoDbMembers.expressionNames(),
                DynamoDbMembers.expressionValues(), DynamoDbMembers.returnValuesOnConditionCheckFailure());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, DynamoDb dynamo) {
        TableDefinition table = dynamo.requireTable(request.string("TableName"));
        ObjectNode item = (ObjectNode) request.node("Item").deepCopy();
        DynamoDb.checkItem(table, item);
        boolean returnsOld = DynamoDb.returnsOld(request);
        ExpressionParser expressions = DynamoDb.expressions(request);
        Condition condition = DynamoDb.writeCondition(request, expressions);
        expressions.requireAllUsed();
        return dynamo.tables.write(() -> {
            TableDefinition current = dynamo.requireTable(table.name());
            ObjectNode old = dynamo.tables.item(current, item);
            DynamoDb.requireCondition(request, condition, old);
            dynamo.tables.putItem(current, item);
            ObjectNode response = DynamoDb.object();
            if (returnsOld && old != null) {
                response.set("Attributes", old);
            }
            return response;
        });
    }
}
