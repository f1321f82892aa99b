package io.runnel.server.api.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.dynamodb.DynamoDbException;
import io.runnel.server.dynamodb.TableDefinition;
import io.runnel.server.http.ApiException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** UpdateTable: the billing mode, deletion protection, and global secondary indexes created or deleted. */
final class UpdateTableAction implements DynamoDbAction {

    @Override
    public List<Member> input() {
        return List.of(
                Member.list("AttributeDefinitions", Member.structure("member",
                        Member.string("AttributeName").length(1, 255).required(),
                        Member.string("AttributeType").oneOf("S", "N", "B").required())),
                DynamoDbMembers.tableName(),
                Member.string("BillingMode").oneOf("PROVISIONED", "PAY_PER_REQUEST"),
                DynamoDbMembers.provisionedThroughput(),
                Member.list("GlobalSecondaryIndexUpdates", Member.structure("member",
                        Member.structure("Create",
                                DynamoDbMembers.indexName().required(),
                                DynamoDbMembers.keySchema().required(),
                                DynamoDbMembers.projection().required(),
                                DynamoDbMembers.provisionedThroughput()),
                        Member.structure("Update",
                                DynamoDbMembers.indexName().required(),
                                DynamoDbMembers.provisionedThroughput()),
                        Member.structure("Delete",
                                DynamoDbMembers.indexName().required()))),
                Member.bool("DeletionProtectionEnabled"));
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, DynamoDb dynamo) {
        String name = request.string("TableName");
        return dynamo.tables.write(() -> {
            TableDefinition table = dynamo.requireTable(name);
            String created = null;
            if (request.has("BillingMode") || request.has("ProvisionedThroughput")) {
                String billing = request.has("BillingMode") ? request.string("BillingMode") : table.billingMode();
                long[] throughput = CreateTableAction.throughput(billing, request.node("ProvisionedThroughput"), null);
                table = table.withBilling(billing, throughput[0], throughput[1]);
            }
            if (request.has("DeletionProtectionEnabled")) {
                table = table.withDeletionProtection(request.body().get("DeletionProtectionEnabled").asBoolean());
            }
            if (request.has("GlobalSecondaryIndexUpdates")) {
                Map<String, String> attributes = new LinkedHashMap<>(table.attributes());
                if (request.has("AttributeDefinitions")) {
                    request.node("AttributeDefinitions").forEach(a -> attributes.put(a.get("AttributeName").asText(), a.get("AttributeType").asText()));
                }
                List<TableDefinition.Index> indexes = new ArrayList<>(table.indexes());
                for (JsonNode update : request.node("GlobalSecondaryIndexUpdates")) {
                    if (update.hasNonNull("Create")) {
                        TableDefinition.Index index = CreateTableAction.index(update.get("Create"), table.billingMode());
                        if (table.index(index.name()) != null) {
                            throw DynamoDbException.validation("One or more parameter values were invalid: Index with name "
                                    + index.name() + " already exists");
                        }
                        indexes.add(index);
                        created = index.name();
                    } else if (update.hasNonNull("Delete")) {
                        String indexName = update.get("Delete").get("IndexName").asText();
                        if (!indexes.removeIf(i -> i.name().equals(indexName))) {
                            throw ApiException.resourceNotFound("Requested resource not found: Index: " + indexName + " not found");
                        }
                    } else if (update.hasNonNull("Update") && table.index(update.get("Update").get("IndexName").asText()) == null) {
                        throw ApiException.resourceNotFound("Requested resource not found: Index: "
                                + update.get("Update").get("IndexName").asText() + " not found");
                    }
                }
                Set<String> used = new LinkedHashSet<>(table.keyAttributes());
                for (TableDefinition.Index i : indexes) {
                    used.add(i.hashKey());
                    if (i.rangeKey() != null) {
                        used.add(i.rangeKey());
                    }
                }
                attributes.keySet().retainAll(used);
                CreateTableAction.checkDefined(used, attributes);
                table = table.withAttributes(attributes).withIndexes(indexes);
            }
            JsonNode description = DynamoDb.object().set("TableDescription",
                    dynamo.describe(table, created != null ? "UPDATING" : "ACTIVE", created));
            dynamo.tables.putTable(table);
            return description;
        });
    }
}
