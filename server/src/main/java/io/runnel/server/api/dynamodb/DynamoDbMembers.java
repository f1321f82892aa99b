package io.runnel.server.api.dynamodb;

import io.runnel.server.api.validation.Member;

/** Members that several DynamoDB operations share, with the bounds of the AWS service model. */
final class DynamoDbMembers {

    private DynamoDbMembers() {
    }

    static Member tableName() {
        return Member.string("TableName").length(3, 255).pattern("[a-zA-Z0-9_.-]+").required();
    }

    static Member indexName() {
        return Member.string("IndexName").length(3, 255).pattern("[a-zA-Z0-9_.-]+");
    }

    /** A map of attribute names to attribute values (Item, Key, ExclusiveStartKey), each checked on its own. */
    static Member attributeMap(String name) {
        return Member.map(name, Member.structure("value"));
    }

    static Member expressionNames() {
        return Member.stringMap("ExpressionAttributeNames");
    }

    static Member expressionValues() {
        return attributeMap("ExpressionAttributeValues");
    }

    static Member returnValues(String... allowed) {
        return Member.string("ReturnValues").oneOf(allowed);
    }

    static Member returnValuesOnConditionCheckFailure() {
        return Member.string("ReturnValuesOnConditionCheckFailure").oneOf("ALL_OLD", "NONE");
    }

    static Member conditionalOperator() {
        return Member.string("ConditionalOperator").oneOf("AND", "OR");
    }

    static Member returnConsumedCapacity() {
        return Member.string("ReturnConsumedCapacity").oneOf("INDEXES", "TOTAL", "NONE");
    }

    static Member select() {
        return Member.string("Select").oneOf("ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES", "SPECIFIC_ATTRIBUTES", "COUNT");
    }

    static Member attributesToGet() {
        return Member.list("AttributesToGet", Member.string("member").length(1, 65_535)).length(1, Integer.MAX_VALUE);
    }

    static Member keySchema() {
        return Member.list("KeySchema", Member.structure("member",
                Member.string("AttributeName").length(1, 255).required(),
                Member.string("KeyType").oneOf("HASH", "RANGE").required())).length(1, 2);
    }

    static Member provisionedThroughput() {
        return Member.structure("ProvisionedThroughput",
                Member.integer("ReadCapacityUnits").minimum(1).required(),
                Member.integer("WriteCapacityUnits").minimum(1).required());
    }

    static Member projection() {
        return Member.structure("Projection",
                Member.string("ProjectionType").oneOf("ALL", "KEYS_ONLY", "INCLUDE"),
                Member.list("NonKeyAttributes", Member.string("member").length(1, 255)).length(1, 20));
    }

    static Member tags() {
        return Member.list("Tags", Member.structure("member",
                Member.string("Key").length(1, 128).required(),
                Member.string("Value").length(0, 256).required()));
    }

    static Member resourceArn() {
        return Member.string("ResourceArn").length(1, 1283).required();
    }
}
