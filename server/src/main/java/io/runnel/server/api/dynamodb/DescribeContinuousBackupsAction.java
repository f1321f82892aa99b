package io.runnel.server.api.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.dynamodb.TableDefinition;

import java.util.List;
import java.util.concurrent.CompletableFuture;

final class DescribeContinuousBackupsAction implements DynamoDbAction {

    @Override
    public List<Member> input() {
        return List.of(DynamoDbMembers.tableName());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, DynamoDb dynamo) {
        return DynamoDb.done(describe(dynamo.requireTable(request.string("TableName"))));
    }

    static JsonNode describe(TableDefinition table) {
        ObjectNode description = DynamoDb.object();
        ObjectNode backups = description.putObject("ContinuousBackupsDescription").put("ContinuousBackupsStatus", "ENABLED");
        backups.putObject("PointInTimeRecoveryDescription")
                .put("PointInTimeRecoveryStatus", table.pointInTimeRecovery() ? "ENABLED" : "DISABLED");
        return description;
    }
}
