package io.runnel.server.api.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.RunnelConfig;
import io.runnel.server.api.ApiService;
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
import io.runnel.server.http.WireFormat;

import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static java.util.Map.entry;

/**
 * The part of DynamoDB ({@code DynamoDB_20120810}, JSON 1.0) that Kinesis clients keep their leases, checkpoints and
 * coordination in: tables with an optional global secondary index, single-item reads and conditional writes, Scan and
 * Query. It is a lease store, not a general database; DynamoDB's other operations answer with a ValidationException.
 */
public final class DynamoDb {

    public static final String SERVICE = "DynamoDB_20120810";
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** DynamoDB's largest item. */
    static final long MAX_ITEM_BYTES = 400 * 1024;

    private static final Map<String, DynamoDbAction> ACTIONS = Map.ofEntries(
            entry("CreateTable", new CreateTableAction()),
            entry("DescribeTable", new DescribeTableAction()),
            entry("UpdateTable", new UpdateTableAction()),
            entry("DeleteTable", new DeleteTableAction()),
            entry("ListTables", new ListTablesAction()),
            entry("UpdateContinuousBackups", new UpdateContinuousBackupsAction()),
            entry("DescribeContinuousBackups", new DescribeContinuousBackupsAction()),
            entry("TagResource", new TagResourceAction()),
            entry("UntagResource", new UntagResourceAction()),
            entry("ListTagsOfResource", new ListTagsOfResourceAction()),
            entry("GetItem", new GetItemAction()),
            entry("PutItem", new PutItemAction()),
            entry("UpdateItem", new UpdateItemAction()),
            entry("DeleteItem", new DeleteItemAction()),
            entry("Scan", new ScanAction()),
            entry("Query", new QueryAction()));

    /** DynamoDB's other operations: known, and refused with a reason rather than as unknown. */
    private static final List<String> UNSUPPORTED = List.of("BatchGetItem", "BatchWriteItem", "TransactGetItems",
            "TransactWriteItems", "ExecuteStatement", "BatchExecuteStatement", "ExecuteTransaction", "CreateBackup",
            "DeleteBackup", "DescribeBackup", "ListBackups", "RestoreTableFromBackup", "RestoreTableToPointInTime",
            "CreateGlobalTable", "UpdateGlobalTable", "DescribeGlobalTable", "ListGlobalTables", "DescribeTimeToLive",
            "UpdateTimeToLive", "DescribeLimits", "DescribeEndpoints", "ExportTableToPointInTime", "ImportTable",
            "EnableKinesisStreamingDestination", "DisableKinesisStreamingDestination", "DescribeKinesisStreamingDestination",
            "PutResourcePolicy", "GetResourcePolicy", "DeleteResourcePolicy", "DescribeContributorInsights",
            "UpdateContributorInsights", "ListContributorInsights", "UpdateTableReplicaAutoScaling",
            "DescribeTableReplicaAutoScaling", "UpdateKinesisStreamingDestination");

    final RunnelConfig config;
    final DynamoTables tables;

    public DynamoDb(RunnelConfig config, DynamoTables tables) {
        this.config = config;
        this.tables = tables;
    }

    public ApiService service() {
        Map<String, ApiService.Operation> operations = new HashMap<>();
        ACTIONS.forEach((name, action) -> operations.put(name,
                new ApiService.Operation(action.input(), request -> action.handle(request, this))));
        for (String name : UNSUPPORTED) {
            operations.put(name, new ApiService.Operation(List.<Member>of(), request -> CompletableFuture.failedFuture(
                    DynamoDbException.validation(name + " is not supported: Runnel serves the DynamoDB "
                            + "operations Kinesis clients use for their lease tables."))));
        }
        return ApiService.of(SERVICE, operations);
    }

    static ObjectNode object() {
        return NODES.objectNode();
    }

    static CompletableFuture<JsonNode> done(JsonNode response) {
        return CompletableFuture.completedFuture(response);
    }

    String tableArn(String table) {
        return "arn:aws:dynamodb:" + config.region + ":" + config.accountId + ":table/" + table;
    }

    TableDefinition requireTable(String name) {
        return tables.table(name).orElseThrow(() -> DynamoDbException.tableNotFound(name));
    }

    /** The table a resource ARN names. */
    TableDefinition requireTableArn(String arn) {
        String prefix = "arn:aws:dynamodb:" + config.region + ":" + config.accountId + ":table/";
        if (!arn.startsWith(prefix) || arn.indexOf('/', prefix.length()) >= 0) {
            throw DynamoDbException.validation("Invalid TableArn: Invalid ResourceArn provided as input " + arn);
        }
        return tables.table(arn.substring(prefix.length()))
                .orElseThrow(() -> DynamoDbException.resourceNotFound());
    }

    /** A TableDescription; {@code status} is what the operation answers with (CREATING, UPDATING, ACTIVE, DELETING). */
    ObjectNode describe(TableDefinition t, String status, String newIndexStatus) {
        ObjectNode d = object();
        ArrayNode attributes = d.putArray("AttributeDefinitions");
        t.attributes().forEach((name, type) -> attributes.addObject().put("AttributeName", name).put("AttributeType", type));
        d.put("TableName", t.name());
        d.set("KeySchema", keySchema(t.hashKey(), t.rangeKey()));
        d.put("TableStatus", status);
        d.set("CreationDateTime", WireFormat.timestamp(t.createdAt()));
        d.set("ProvisionedThroughput", throughput(t.readCapacity(), t.writeCapacity()));
        List<DynamoTables.StoredItem> items = tables.items(t);
        long bytes = items.stream().mapToLong(i -> AttributeValues.itemSize(i.item())).sum();
        d.put("TableSizeBytes", bytes);
        d.put("ItemCount", items.size());
        d.put("TableArn", tableArn(t.name()));
        d.put("TableId", t.id());
        d.putObject("BillingModeSummary").put("BillingMode", t.billingMode());
        if (!t.indexes().isEmpty()) {
            ArrayNode indexes = d.putArray("GlobalSecondaryIndexes");
            for (TableDefinition.Index i : t.indexes()) {
                ObjectNode index = indexes.addObject();
                index.put("IndexName", i.name());
                index.set("KeySchema", keySchema(i.hashKey(), i.rangeKey()));
                ObjectNode projection = index.putObject("Projection").put("ProjectionType", i.projectionType());
                if (!i.nonKeyAttributes().isEmpty()) {
                    i.nonKeyAttributes().forEach(projection.putArray("NonKeyAttributes")::add);
                }
                boolean creating = i.name().equals(newIndexStatus);
                index.put("IndexStatus", creating ? "CREATING" : "ACTIVE");
                if (creating) {
                    index.put("Backfilling", false);
                }
                index.set("ProvisionedThroughput", throughput(i.readCapacity(), i.writeCapacity()));
                long inIndex = items.stream().filter(s -> s.item().has(i.hashKey()) && (i.rangeKey() == null || s.item().has(i.rangeKey()))).count();
                index.put("IndexSizeBytes", 0L);
                index.put("ItemCount", inIndex);
                index.put("IndexArn", tableArn(t.name()) + "/index/" + i.name());
            }
        }
        d.put("DeletionProtectionEnabled", t.deletionProtection());
        return d;
    }

    private static ArrayNode keySchema(String hash, String range) {
        ArrayNode schema = NODES.arrayNode();
        schema.addObject().put("AttributeName", hash).put("KeyType", "HASH");
        if (range != null) {
            schema.addObject().put("AttributeName", range).put("KeyType", "RANGE");
        }
        return schema;
    }

    private static ObjectNode throughput(long read, long write) {
        return object().put("NumberOfDecreasesToday", 0).put("ReadCapacityUnits", read).put("WriteCapacityUnits", write);
    }

    /** A Key: exactly the table's key attributes, of their types. */
    static ObjectNode requireKey(TableDefinition t, JsonNode key) {
        key.forEach(AttributeValues::check);
        boolean matches = key.size() == t.keyAttributes().size();
        for (String k : t.keyAttributes()) {
            JsonNode v = key.get(k);
            matches &= v != null && AttributeValues.type(v).equals(t.attributes().get(k));
        }
        if (!matches) {
            throw DynamoDbException.validation("The provided key element does not match the schema");
        }
        for (String k : t.keyAttributes()) {
            requireNonEmptyKey(k, key.get(k));
        }
        return (ObjectNode) key.deepCopy();
    }

    private static void requireNonEmptyKey(String attribute, JsonNode value) {
        String type = AttributeValues.type(value);
        if ((type.equals("S") || type.equals("B")) && value.get(type).asText().isEmpty()) {
            throw DynamoDbException.validation("One or more parameter values are not valid. The AttributeValue for a key attribute "
                    + "cannot contain an empty " + (type.equals("S") ? "string" : "binary") + " value. Key: " + attribute);
        }
    }

    /** An item to be written: its values, its key, the types of the index keys it has, its size. */
    static void checkItem(TableDefinition t, JsonNode item) {
        item.forEach(AttributeValues::check);
        for (String k : t.keyAttributes()) {
            JsonNode v = item.get(k);
            if (v == null) {
                throw DynamoDbException.validation("One or more parameter values were invalid: Missing the key " + k + " in the item");
            }
            String expected = t.attributes().get(k);
            if (!AttributeValues.type(v).equals(expected)) {
                throw DynamoDbException.validation("One or more parameter values were invalid: Type mismatch for key " + k
                        + " expected: " + expected + " actual: " + AttributeValues.type(v));
            }
            requireNonEmptyKey(k, v);
        }
        for (TableDefinition.Index i : t.indexes()) {
            for (String k : i.rangeKey() == null ? List.of(i.hashKey()) : List.of(i.hashKey(), i.rangeKey())) {
                JsonNode v = item.get(k);
                String expected = t.attributes().get(k);
                if (v != null && !AttributeValues.type(v).equals(expected)) {
                    throw DynamoDbException.validation("One or more parameter values were invalid: Type mismatch for Index Key " + k
                            + " Expected: " + expected + " Actual: " + AttributeValues.type(v) + " IndexName: " + i.name());
                }
            }
        }
        if (AttributeValues.itemSize(item) > MAX_ITEM_BYTES) {
            throw DynamoDbException.validation("Item size has exceeded the maximum allowed size");
        }
    }

    /** The request's condition on the item it writes: ConditionExpression, or the legacy Expected; or null. */
    static Condition writeCondition(Request request, ExpressionParser expressions) {
        noMixing(request, List.of("ConditionExpression", "UpdateExpression", "ProjectionExpression"),
                List.of("Expected", "AttributeUpdates", "AttributesToGet"));
        if (request.has("ConditionExpression")) {
            return expressions.condition(request.string("ConditionExpression"), "ConditionExpression");
        }
        if (request.has("Expected")) {
            return LegacyConditions.expected(request.node("Expected"), request.string("ConditionalOperator"));
        }
        return null;
    }

    /** Whether a PutItem or DeleteItem returns the item it replaced: ReturnValues ALL_OLD; NONE is the only other. */
    static boolean returnsOld(Request request) {
        String returnValues = request.has("ReturnValues") ? request.string("ReturnValues") : "NONE";
        if (!returnValues.equals("NONE") && !returnValues.equals("ALL_OLD")) {
            throw DynamoDbException.validation("ReturnValues can only be ALL_OLD or NONE");
        }
        return returnValues.equals("ALL_OLD");
    }

    /**
     * Checks a write's condition on the item as it is (null when there is none): a failed one is a
     * ConditionalCheckFailedException, carrying the item when ReturnValuesOnConditionCheckFailure asks for it.
     */
    static void requireCondition(Request request, Condition condition, ObjectNode old) {
        if (condition != null && !condition.test(old != null ? old : object())) {
            boolean oldOnFailure = "ALL_OLD".equals(request.string("ReturnValuesOnConditionCheckFailure"));
            throw DynamoDbException.conditionalCheckFailed(oldOnFailure ? old : null);
        }
    }

    /** DynamoDB refuses a request that mixes expressions with the parameters they replaced. */
    static void noMixing(Request request, List<String> expressionMembers, List<String> legacyMembers) {
        List<String> expressions = expressionMembers.stream().filter(request::has).toList();
        List<String> legacy = legacyMembers.stream().filter(request::has).toList();
        if (!expressions.isEmpty() && !legacy.isEmpty()) {
            throw DynamoDbException.validation("Can not use both expression and non-expression parameters in the same request: "
                    + "Non-expression parameters: {" + String.join(", ", legacy) + "} Expression parameters: {"
                    + String.join(", ", expressions) + "}");
        }
        if (expressions.isEmpty() && (request.has("ExpressionAttributeNames") || request.has("ExpressionAttributeValues"))) {
            throw DynamoDbException.validation("ExpressionAttributeNames and ExpressionAttributeValues can only be specified when "
                    + "using expressions");
        }
    }

    static ExpressionParser expressions(Request request) {
        return new ExpressionParser(request.node("ExpressionAttributeNames"), request.node("ExpressionAttributeValues"));
    }

    /** What a read returns of an item: the paths of a ProjectionExpression or the names of AttributesToGet; all when null. */
    static List<DocumentPath> projection(Request request, ExpressionParser expressions) {
        if (request.has("ProjectionExpression")) {
            return expressions.projection(request.string("ProjectionExpression"));
        }
        if (request.has("AttributesToGet")) {
            List<DocumentPath> paths = new java.util.ArrayList<>();
            request.node("AttributesToGet").forEach(n -> paths.add(DocumentPath.of(n.asText())));
            return paths;
        }
        return null;
    }

    static ObjectNode project(ObjectNode item, List<DocumentPath> paths) {
        if (paths == null) {
            return item;
        }
        ObjectNode projected = object();
        for (DocumentPath p : paths) {
            JsonNode v = p.get(item);
            if (v != null) {
                copyPath(item, projected, p);
            }
        }
        return projected;
    }

    /** Copies what lies at {@code path} into {@code into}, keeping maps as maps; a list element keeps its list. */
    private static void copyPath(ObjectNode item, ObjectNode into, DocumentPath path) {
        if (path.steps().size() == 1 || path.steps().stream().anyMatch(s -> s instanceof Integer)) {
            into.set(path.attribute(), item.get(path.attribute()).deepCopy());
            return;
        }
        ObjectNode target = into;
        JsonNode source = item;
        for (int i = 0; i < path.steps().size() - 1; i++) {
            String step = (String) path.steps().get(i);
            source = i == 0 ? source.get(step) : source.get("M").get(step);
            ObjectNode holder = target.has(step) ? (ObjectNode) target.get(step) : target.putObject(step);
            target = holder.has("M") ? (ObjectNode) holder.get("M") : holder.putObject("M");
        }
        String last = (String) path.steps().get(path.steps().size() - 1);
        target.set(last, source.get("M").get(last).deepCopy());
    }

    /** The attributes of {@code item} among {@code names}. */
    static ObjectNode only(ObjectNode item, Iterable<String> names) {
        ObjectNode picked = object();
        for (String n : names) {
            if (item.has(n)) {
                picked.set(n, item.get(n));
            }
        }
        return picked;
    }

    static boolean isEmpty(JsonNode node) {
        Iterator<String> names = node.fieldNames();
        return !names.hasNext();
    }
}
