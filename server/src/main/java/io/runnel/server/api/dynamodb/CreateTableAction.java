package io.runnel.server.api.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.dynamodb.DynamoDbException;
import io.runnel.server.dynamodb.TableDefinition;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

final class CreateTableAction implements DynamoDbAction {

    @Override
    public List<Member> input() {
        return List.of(
                Member.list("AttributeDefinitions", Member.structure("member",
                        Member.string("AttributeName").length(1, 255).required(),
                        Member.string("AttributeType").oneOf("S", "N", "B").required())).required(),
                DynamoDbMembers.tableName(),
                DynamoDbMembers.keySchema().required(),
                Member.list("LocalSecondaryIndexes", Member.structure("member")),
                Member.list("GlobalSecondaryIndexes", Member.structure("member",
                        DynamoDbMembers.indexName().required(),
                        DynamoDbMembers.keySchema().required(),
                        DynamoDbMembers.projection().required(),
                        DynamoDbMembers.provisionedThroughput())),
                Member.string("BillingMode").oneOf("PROVISIONED", "PAY_PER_REQUEST"),
                DynamoDbMembers.provisionedThroughput(),
                DynamoDbMembers.tags(),
                Member.bool("DeletionProtectionEnabled"));
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, DynamoDb dynamo) {
        if (request.has("LocalSecondaryIndexes")) {
            throw DynamoDbException.validation("Runnel's DynamoDB does not support LocalSecondaryIndexes");
        }
        String billing = request.has("BillingMode") ? request.string("BillingMode") : "PROVISIONED";
        long[] throughput = throughput(billing, request.node("ProvisionedThroughput"), null);
        Map<String, String> attributes = new LinkedHashMap<>();
        request.node("AttributeDefinitions").forEach(a -> attributes.put(a.get("AttributeName").asText(), a.get("AttributeType").asText()));
        String[] key = key(request.node("KeySchema"));
        List<TableDefinition.Index> indexes = new ArrayList<>();
        if (request.has("GlobalSecondaryIndexes")) {
            for (JsonNode i : request.node("GlobalSecondaryIndexes")) {
                indexes.add(index(i, billing));
            }
        }
        Set<String> used = new LinkedHashSet<>(List.of(key[0]));
        if (key[1] != null) {
            used.add(key[1]);
        }
        for (TableDefinition.Index i : indexes) {
            used.add(i.hashKey());
            if (i.rangeKey() != null) {
                used.add(i.rangeKey());
            }
        }
        checkDefined(used, attributes);
        Map<String, String> tags = new LinkedHashMap<>();
        if (request.has("Tags")) {
            request.node("Tags").forEach(t -> tags.put(t.get("Key").asText(), t.get("Value").asText()));
        }
        String name = request.string("TableName");
        TableDefinition table = new TableDefinition(name, UUID.randomUUID().toString(), System.currentTimeMillis(), attributes,
                key[0], key[1], billing, throughput[0], throughput[1], indexes,
                request.has("DeletionProtectionEnabled") && request.body().get("DeletionProtectionEnabled").asBoolean(), false, tags);
        return dynamo.tables.write(() -> {
            if (dynamo.tables.table(name).isPresent()) {
                throw DynamoDbException.tableExists(name);
            }
            // Described before it is written: a write's callable must not throw once it has written.
            JsonNode description = DynamoDb.object().set("TableDescription", dynamo.describe(table, "CREATING", null));
            dynamo.tables.putTable(table);
            return description;
        });
    }

    /** ReadCapacityUnits and WriteCapacityUnits as the billing mode wants them: given when provisioned, else none. */
    static long[] throughput(String billing, JsonNode throughput, String indexName) {
        String of = indexName == null ? "" : " for index " + indexName;
        if (billing.equals("PAY_PER_REQUEST")) {
            if (throughput != null) {
                throw DynamoDbException.validation("One or more parameter values were invalid: Neither ReadCapacityUnits nor "
                        + "WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
            }
            return new long[] {0, 0};
        }
        if (throughput == null) {
            throw DynamoDbException.validation("One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits "
                    + "must both be specified when BillingMode is PROVISIONED" + of);
        }
        return new long[] {throughput.get("ReadCapacityUnits").asLong(), throughput.get("WriteCapacityUnits").asLong()};
    }

    /** A KeySchema's hash key and range key (or null). */
    static String[] key(JsonNode schema) {
        if (!schema.get(0).get("KeyType").asText().equals("HASH")) {
            throw DynamoDbException.validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
        }
        if (schema.size() == 2 && !schema.get(1).get("KeyType").asText().equals("RANGE")) {
            throw DynamoDbException.validation("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
        }
        String hash = schema.get(0).get("AttributeName").asText();
        String range = schema.size() == 2 ? schema.get(1).get("AttributeName").asText() : null;
        if (hash.equals(range)) {
            throw DynamoDbException.validation("Both the Hash Key and the Range Key element in the KeySchema have the same name");
        }
        return new String[] {hash, range};
    }

    static TableDefinition.Index index(JsonNode i, String billing) {
        String name = i.get("IndexName").asText();
        String[] key = key(i.get("KeySchema"));
        JsonNode projection = i.get("Projection");
        String type = projection.path("ProjectionType").asText("KEYS_ONLY");
        List<String> nonKey = new ArrayList<>();
        projection.path("NonKeyAttributes").forEach(a -> nonKey.add(a.asText()));
        if (!nonKey.isEmpty() && !type.equals("INCLUDE")) {
            throw DynamoDbException.validation("One or more parameter values were invalid: ProjectionType is " + type
                    + ", but NonKeyAttributes is specified");
        }
        long[] throughput = throughput(billing, i.get("ProvisionedThroughput"), name);
        return new TableDefinition.Index(name, key[0], key[1], type, nonKey, throughput[0], throughput[1]);
    }

    /** Every key attribute is defined, and every definition is of a key attribute. */
    static void checkDefined(Set<String> used, Map<String, String> attributes) {
        if (!attributes.keySet().containsAll(used)) {
            throw DynamoDbException.validation("One or more parameter values were invalid: Some index key attributes are not defined "
                    + "in AttributeDefinitions. Keys: " + used + ", AttributeDefinitions: " + attributes.keySet());
        }
        if (!used.containsAll(attributes.keySet())) {
            throw DynamoDbException.validation("One or more parameter values were invalid: Number of attributes in KeySchema does not "
                    + "exactly match number of attributes defined in AttributeDefinitions");
        }
    }
}
