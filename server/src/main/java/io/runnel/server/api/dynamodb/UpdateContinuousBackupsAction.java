package io.runnel.server.api.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.dynamodb.TableDefinition;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * UpdateContinuousBackups: the point-in-time recovery setting is kept and reported. Runnel's durability is Kafka's;
 * there is no restore to a point in time.
 */
final class UpdateContinuousBackupsAction implements DynamoDbAction {

    @Override
    public List<Member> input() {
        return List.of(DynamoDbMembers.tableName(),
                Member.structure("PointInTimeRecoverySpecification",
                        Member.bool("PointInTimeRecoveryEnabled").required(),
                        Member.integer("RecoveryPeriodInDays").range(1, 35)).required());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, DynamoDb dynamo) {
        String name = request.string("TableName");
        boolean enabled = request.node("PointInTimeRecoverySpecification").get("PointInTimeRecoveryEnabled").asBoolean();
        return dynamo.tables.write(() -> {
            TableDefinition table = dynamo.requireTable(name).withPointInTimeRecovery(enabled);
            JsonNode description = DescribeContinuousBackupsAction.describe(table);
            dynamo.tables.putTable(table);
            return description;
        });
    }
}
