package io.runnel.server.api.dynamodb;

import io.runnel.server.testing.RunnelServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeAction;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.AttributeValueUpdate;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.CreateTableResponse;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ExpectedAttributeValue;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.UpdateTableResponse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The DynamoDB subset, driven by the AWS SDK for Java v2 the way KCL and its lock client drive it: a lease table made
 * and given an index, conditional writes in both syntaxes, scans in segments and pages, queries on the index.
 */
@ExtendWith(RunnelServerExtension.class)
class DynamoDbSdkTest {

    private static DynamoDbClient dynamo;

    @BeforeAll
    static void client() {
        dynamo = client(RunnelServerExtension.server().endpoint());
    }

    static DynamoDbClient client(java.net.URI endpoint) {
        return DynamoDbClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("runnel", "secret"))).build();
    }

    @AfterAll
    static void close() {
        dynamo.close();
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static void leaseTable(String name) {
        dynamo.createTable(b -> b.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(k -> k.attributeName("leaseKey").keyType(KeyType.HASH))
                .attributeDefinitions(a -> a.attributeName("leaseKey").attributeType(ScalarAttributeType.S)));
    }

    @Test
    void aLeaseTableIsMadeGivenAnIndexAndProtected() {
        CreateTableResponse created = dynamo.createTable(b -> b.tableName("app-leases").billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(k -> k.attributeName("leaseKey").keyType(KeyType.HASH))
                .attributeDefinitions(a -> a.attributeName("leaseKey").attributeType(ScalarAttributeType.S))
                .deletionProtectionEnabled(true).tags(t -> t.key("team").value("streams")));
        assertThat(created.tableDescription().tableStatus()).isEqualTo(TableStatus.CREATING);
        assertThatThrownBy(() -> leaseTable("app-leases")).isInstanceOf(ResourceInUseException.class)
                .hasMessageContaining("Table already exists: app-leases");

        TableDescription table = dynamo.describeTable(b -> b.tableName("app-leases")).table();
        assertThat(table.tableStatus()).isEqualTo(TableStatus.ACTIVE);
        assertThat(table.billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
        assertThat(table.provisionedThroughput().readCapacityUnits()).isZero();
        assertThat(table.tableSizeBytes()).isZero();
        assertThat(table.deletionProtectionEnabled()).isTrue();
        assertThat(table.tableArn()).isEqualTo("arn:aws:dynamodb:us-east-1:000000000000:table/app-leases");
        assertThat(dynamo.listTagsOfResource(b -> b.resourceArn(table.tableArn())).tags())
                .singleElement().satisfies(t -> assertThat(t.key() + "=" + t.value()).isEqualTo("team=streams"));

        UpdateTableResponse updated = dynamo.updateTable(b -> b.tableName("app-leases")
                .attributeDefinitions(a -> a.attributeName("leaseOwner").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("leaseKey").attributeType(ScalarAttributeType.S))
                .globalSecondaryIndexUpdates(u -> u.create(c -> c.indexName("LeaseOwnerToLeaseKeyIndex")
                        .keySchema(k -> k.attributeName("leaseOwner").keyType(KeyType.HASH),
                                k -> k.attributeName("leaseKey").keyType(KeyType.RANGE))
                        .projection(p -> p.projectionType(ProjectionType.KEYS_ONLY)))));
        assertThat(updated.tableDescription().globalSecondaryIndexes()).singleElement()
                .satisfies(i -> assertThat(i.indexStatus()).isEqualTo(IndexStatus.CREATING));
        assertThat(dynamo.describeTable(b -> b.tableName("app-leases")).table().globalSecondaryIndexes()).singleElement()
                .satisfies(i -> {
                    assertThat(i.indexName()).isEqualTo("LeaseOwnerToLeaseKeyIndex");
                    assertThat(i.indexStatus()).isEqualTo(IndexStatus.ACTIVE);
                    assertThat(i.projection().projectionType()).isEqualTo(ProjectionType.KEYS_ONLY);
                });

        assertThat(dynamo.updateContinuousBackups(b -> b.tableName("app-leases")
                        .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)))
                .continuousBackupsDescription().pointInTimeRecoveryDescription().pointInTimeRecoveryStatusAsString()).isEqualTo("ENABLED");
        assertThat(dynamo.listTables().tableNames()).contains("app-leases");

        assertThatThrownBy(() -> dynamo.deleteTable(b -> b.tableName("app-leases"))).isInstanceOf(DynamoDbException.class)
                .hasMessageContaining("protected against deletion");
        dynamo.updateTable(b -> b.tableName("app-leases").deletionProtectionEnabled(false));
        dynamo.deleteTable(b -> b.tableName("app-leases"));
        assertThatThrownBy(() -> dynamo.describeTable(b -> b.tableName("app-leases"))).isInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining("Table: app-leases not found");
    }

    @Test
    void legacyExpectedAndAttributeUpdatesAsKclSendsThem() {
        leaseTable("legacy-leases");
        Map<String, AttributeValue> lease = Map.of("leaseKey", s("shardId-000000000000"), "leaseCounter", n(0),
                "checkpoint", s("TRIM_HORIZON"), "ownerSwitchesSinceCheckpoint", n(0));
        Map<String, ExpectedAttributeValue> absent = Map.of("leaseKey", ExpectedAttributeValue.builder().exists(false).build());
        dynamo.putItem(b -> b.tableName("legacy-leases").item(lease).expected(absent));
        assertThatThrownBy(() -> dynamo.putItem(b -> b.tableName("legacy-leases").item(lease).expected(absent)))
                .isInstanceOf(ConditionalCheckFailedException.class).hasMessageContaining("The conditional request failed");

        // Take the lease: the counter it was read at must still hold.
        Map<String, AttributeValue> key = Map.of("leaseKey", s("shardId-000000000000"));
        Map<String, AttributeValue> taken = dynamo.updateItem(b -> b.tableName("legacy-leases").key(key)
                .expected(Map.of("leaseCounter", ExpectedAttributeValue.builder().value(n(0)).build(),
                        "leaseKey", ExpectedAttributeValue.builder().exists(true).value(s("shardId-000000000000")).build()))
                .attributeUpdates(Map.of(
                        "leaseCounter", AttributeValueUpdate.builder().action(AttributeAction.ADD).value(n(1)).build(),
                        "leaseOwner", AttributeValueUpdate.builder().value(s("worker-a")).build(),
                        "checkpointOwner", AttributeValueUpdate.builder().action(AttributeAction.DELETE).build(),
                        "parentShardId", AttributeValueUpdate.builder().value(AttributeValue.fromSs(List.of("p1", "p2"))).build()))
                .returnValues(ReturnValue.ALL_NEW)).attributes();
        assertThat(taken.get("leaseCounter").n()).isEqualTo("1");
        assertThat(taken.get("leaseOwner").s()).isEqualTo("worker-a");
        assertThat(taken).doesNotContainKey("checkpointOwner").containsKey("checkpoint");

        // A renewal at a stale counter fails, and says what is there now.
        assertThatThrownBy(() -> dynamo.updateItem(b -> b.tableName("legacy-leases").key(key)
                .expected(Map.of("leaseCounter", ExpectedAttributeValue.builder().value(n(0)).build(),
                        "checkpointOwner", ExpectedAttributeValue.builder().exists(false).build()))
                .attributeUpdates(Map.of("leaseCounter", AttributeValueUpdate.builder().value(n(1)).build()))
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)))
                .isInstanceOfSatisfying(ConditionalCheckFailedException.class, e -> {
                    assertThat(e.item().get("leaseCounter").n()).isEqualTo("1");
                    assertThat(e.item().get("leaseOwner").s()).isEqualTo("worker-a");
                });

        Map<String, AttributeValue> updatedOld = dynamo.updateItem(b -> b.tableName("legacy-leases").key(key)
                .attributeUpdates(Map.of("parentShardId", AttributeValueUpdate.builder().action(AttributeAction.DELETE)
                                .value(AttributeValue.fromSs(List.of("p1"))).build(),
                        "checkpoint", AttributeValueUpdate.builder().value(s("49590338271490256608559692538361571095921575989136588898")).build()))
                .returnValues(ReturnValue.UPDATED_OLD)).attributes();
        assertThat(updatedOld).containsOnlyKeys("parentShardId", "checkpoint");
        Map<String, AttributeValue> now = dynamo.getItem(b -> b.tableName("legacy-leases").key(key).consistentRead(true)).item();
        assertThat(now.get("parentShardId").ss()).containsExactly("p2");

        // Conditions on other operators, joined by OR.
        dynamo.deleteItem(b -> b.tableName("legacy-leases").key(key).conditionalOperator("OR")
                .expected(Map.of("leaseCounter", ExpectedAttributeValue.builder().comparisonOperator("GT").attributeValueList(n(5)).build(),
                        "leaseOwner", ExpectedAttributeValue.builder().comparisonOperator("BEGINS_WITH").attributeValueList(s("worker-")).build())));
        assertThat(dynamo.getItem(b -> b.tableName("legacy-leases").key(key)).hasItem()).isFalse();
    }

    @Test
    void expressionsAsTheLockClientAndTheEnhancedClientSendThem() {
        dynamo.createTable(b -> b.tableName("app-CoordinatorState").billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(k -> k.attributeName("key").keyType(KeyType.HASH))
                .attributeDefinitions(a -> a.attributeName("key").attributeType(ScalarAttributeType.S)));
        Map<String, AttributeValue> lock = Map.of("key", s("Leader"), "ownerName", s("worker-a"),
                "leaseDuration", s("120000"), "recordVersionNumber", s("v1"));
        dynamo.putItem(b -> b.tableName("app-CoordinatorState").item(lock)
                .conditionExpression("attribute_not_exists(#pk)").expressionAttributeNames(Map.of("#pk", "key")));
        assertThatThrownBy(() -> dynamo.putItem(b -> b.tableName("app-CoordinatorState").item(lock)
                .conditionExpression("attribute_not_exists(#pk)").expressionAttributeNames(Map.of("#pk", "key"))))
                .isInstanceOf(ConditionalCheckFailedException.class);

        Map<String, AttributeValue> key = Map.of("key", s("Leader"));
        Map<String, String> names = Map.of("#pk", "key", "#ld", "leaseDuration", "#rvn", "recordVersionNumber", "#on", "ownerName");
        dynamo.updateItem(b -> b.tableName("app-CoordinatorState").key(key)
                .updateExpression("SET #ld = :ld, #rvn = :newRvn")
                .conditionExpression("attribute_exists(#pk) AND #rvn = :rvn AND #on = :on")
                .expressionAttributeNames(names)
                .expressionAttributeValues(Map.of(":ld", s("120000"), ":newRvn", s("v2"), ":rvn", s("v1"), ":on", s("worker-a"))));
        // A heartbeat on the version it replaced fails, and shows the lock as it is.
        assertThatThrownBy(() -> dynamo.updateItem(b -> b.tableName("app-CoordinatorState").key(key)
                .updateExpression("SET #ld = :ld, #rvn = :newRvn")
                .conditionExpression("attribute_exists(#pk) AND #rvn = :rvn AND #on = :on")
                .expressionAttributeNames(names)
                .expressionAttributeValues(Map.of(":ld", s("120000"), ":newRvn", s("v3"), ":rvn", s("v1"), ":on", s("worker-a")))
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)))
                .isInstanceOfSatisfying(ConditionalCheckFailedException.class,
                        e -> assertThat(e.item().get("recordVersionNumber").s()).isEqualTo("v2"));

        // SET with functions and arithmetic, REMOVE, ADD and DELETE, in one expression.
        Map<String, AttributeValue> counters = dynamo.updateItem(b -> b.tableName("app-CoordinatorState").key(Map.of("key", s("Migration3.0")))
                .updateExpression("SET cv = :cv, mts = if_not_exists(mts, :zero) + :one, h = list_append(if_not_exists(h, :empty), :h) "
                        + "ADD tags :tags REMOVE mb")
                .expressionAttributeValues(Map.of(":cv", s("CLIENT_VERSION_3X"), ":zero", n(0), ":one", n(1),
                        ":empty", AttributeValue.fromL(List.of()), ":h", AttributeValue.fromL(List.of(s("first"))),
                        ":tags", AttributeValue.fromSs(List.of("a", "b"))))
                .returnValues(ReturnValue.ALL_NEW)).attributes();
        assertThat(counters.get("mts").n()).isEqualTo("1");
        assertThat(counters.get("h").l()).containsExactly(s("first"));
        assertThat(counters.get("tags").ss()).containsExactlyInAnyOrder("a", "b");
        Map<String, AttributeValue> again = dynamo.updateItem(b -> b.tableName("app-CoordinatorState").key(Map.of("key", s("Migration3.0")))
                .updateExpression("SET mts = mts + :one, h = list_append(h, :h) DELETE tags :gone")
                .conditionExpression("(cv = :cv OR cv = :other) AND NOT attribute_exists(mb) AND mts BETWEEN :zero AND :one "
                        + "AND size(h) < :two AND begins_with(cv, :prefix) AND cv IN (:cv, :other) AND contains(tags, :a)")
                .expressionAttributeValues(Map.of(":cv", s("CLIENT_VERSION_3X"), ":other", s("CLIENT_VERSION_2X"), ":zero", n(0),
                        ":one", n(1), ":two", n(2), ":prefix", s("CLIENT_"), ":a", s("a"), ":h", AttributeValue.fromL(List.of(s("second"))),
                        ":gone", AttributeValue.fromSs(List.of("a"))))
                .returnValues(ReturnValue.UPDATED_NEW)).attributes();
        assertThat(again).containsOnlyKeys("mts", "h", "tags");
        assertThat(again.get("mts").n()).isEqualTo("2");
        assertThat(again.get("h").l()).containsExactly(s("first"), s("second"));
        assertThat(again.get("tags").ss()).containsExactly("b");

        // The worker metrics clean-up: a condition with a space before its parenthesis.
        dynamo.deleteItem(b -> b.tableName("app-CoordinatorState").key(Map.of("key", s("Migration3.0")))
                .conditionExpression("#key = :value AND attribute_exists (cv)")
                .expressionAttributeNames(Map.of("#key", "mts")).expressionAttributeValues(Map.of(":value", n(2))));
        assertThat(dynamo.getItem(b -> b.tableName("app-CoordinatorState").key(Map.of("key", s("Migration3.0")))).hasItem()).isFalse();
    }

    @Test
    void segmentsCoverEveryItemOnceAndPagesFollowOnEachOther() {
        leaseTable("scan-leases");
        for (int i = 0; i < 40; i++) {
            int shard = i;
            dynamo.putItem(b -> b.tableName("scan-leases").item(Map.of("leaseKey", s("shardId-" + shard), "leaseCounter", n(shard),
                    "leaseOwner", s(shard % 2 == 0 ? "worker-a" : "worker-b"))));
        }
        Set<String> seen = new HashSet<>();
        int segments = 4;
        for (int segment = 0; segment < segments; segment++) {
            int s = segment;
            Map<String, AttributeValue> start = null;
            do {
                Map<String, AttributeValue> from = start;
                ScanResponse page = dynamo.scan(b -> b.tableName("scan-leases").segment(s).totalSegments(segments).limit(3)
                        .exclusiveStartKey(from));
                assertThat(page.count()).isLessThanOrEqualTo(3);
                page.items().forEach(item -> assertThat(seen.add(item.get("leaseKey").s())).as("seen once").isTrue());
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            } while (start != null);
        }
        assertThat(seen).hasSize(40);

        ScanResponse filtered = dynamo.scan(b -> b.tableName("scan-leases").filterExpression("leaseCounter >= :min AND #o = :owner")
                .expressionAttributeNames(Map.of("#o", "leaseOwner"))
                .expressionAttributeValues(Map.of(":min", n(30), ":owner", s("worker-b"))).projectionExpression("leaseKey"));
        assertThat(filtered.items()).extracting(i -> i.get("leaseKey").s())
                .containsExactlyInAnyOrder("shardId-31", "shardId-33", "shardId-35", "shardId-37", "shardId-39");
        assertThat(filtered.items()).allSatisfy(i -> assertThat(i).containsOnlyKeys("leaseKey"));
        assertThat(filtered.scannedCount()).isEqualTo(40);
    }

    @Test
    void aQueryOnTheOwnerIndexPagesThroughOneOwnersLeases() {
        dynamo.createTable(b -> b.tableName("query-leases").billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(k -> k.attributeName("leaseKey").keyType(KeyType.HASH))
                .attributeDefinitions(a -> a.attributeName("leaseKey").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("leaseOwner").attributeType(ScalarAttributeType.S))
                .globalSecondaryIndexes(g -> g.indexName("LeaseOwnerToLeaseKeyIndex")
                        .keySchema(k -> k.attributeName("leaseOwner").keyType(KeyType.HASH),
                                k -> k.attributeName("leaseKey").keyType(KeyType.RANGE))
                        .projection(p -> p.projectionType(ProjectionType.KEYS_ONLY))));
        for (int i = 0; i < 12; i++) {
            int shard = i;
            Map<String, AttributeValue> item = new HashMap<>(Map.of("leaseKey", s(String.format("shardId-%02d", shard)), "checkpoint", s("LATEST")));
            if (shard % 3 != 2) {
                item.put("leaseOwner", s(shard % 3 == 0 ? "worker-a" : "worker-b"));
            }
            dynamo.putItem(b -> b.tableName("query-leases").item(item));
        }
        List<String> keys = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamo.query(b -> b.tableName("query-leases").indexName("LeaseOwnerToLeaseKeyIndex")
                    .keyConditionExpression("leaseOwner = :leaseOwner").expressionAttributeValues(Map.of(":leaseOwner", s("worker-a")))
                    .limit(3).exclusiveStartKey(from));
            page.items().forEach(item -> {
                assertThat(item).containsOnlyKeys("leaseKey", "leaseOwner");
                keys.add(item.get("leaseKey").s());
            });
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        assertThat(keys).containsExactly("shardId-00", "shardId-03", "shardId-06", "shardId-09");

        QueryResponse backwards = dynamo.query(b -> b.tableName("query-leases").indexName("LeaseOwnerToLeaseKeyIndex")
                .keyConditionExpression("leaseOwner = :o AND begins_with(leaseKey, :p)")
                .expressionAttributeValues(Map.of(":o", s("worker-b"), ":p", s("shardId-0"))).scanIndexForward(false));
        assertThat(backwards.items()).extracting(i -> i.get("leaseKey").s()).containsExactly("shardId-07", "shardId-04", "shardId-01");
    }

    @Test
    void badInputGetsDynamoDbsErrors() {
        leaseTable("bad-input");
        assertThatThrownBy(() -> dynamo.putItem(b -> b.tableName("bad-input").item(Map.of("other", s("x")))))
                .isInstanceOf(DynamoDbException.class).hasMessageContaining("Missing the key leaseKey in the item")
                .satisfies(e -> assertThat(((DynamoDbException) e).awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
        assertThatThrownBy(() -> dynamo.getItem(b -> b.tableName("bad-input").key(Map.of("leaseKey", n(1)))))
                .isInstanceOf(DynamoDbException.class).hasMessageContaining("The provided key element does not match the schema");
        assertThatThrownBy(() -> dynamo.updateItem(b -> b.tableName("bad-input").key(Map.of("leaseKey", s("k")))
                .updateExpression("SET a = :missing")))
                .hasMessageContaining("An expression attribute value used in expression is not defined; attribute value: :missing");
        assertThatThrownBy(() -> dynamo.updateItem(b -> b.tableName("bad-input").key(Map.of("leaseKey", s("k")))
                .updateExpression("SET leaseKey = :v").expressionAttributeValues(Map.of(":v", s("x")))))
                .hasMessageContaining("Cannot update attribute leaseKey. This attribute is part of the key");
        assertThatThrownBy(() -> dynamo.updateItem(b -> b.tableName("bad-input").key(Map.of("leaseKey", s("k")))
                .updateExpression("SET a = = :v").expressionAttributeValues(Map.of(":v", s("x")))))
                .hasMessageContaining("Invalid UpdateExpression: Syntax error; token: \"=\"");
        assertThatThrownBy(() -> dynamo.putItem(b -> b.tableName("bad-input").item(Map.of("leaseKey", s("k")))
                .conditionExpression("attribute_not_exists(leaseKey)").expressionAttributeValues(Map.of(":unused", s("x")))))
                .hasMessageContaining("Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}");
        assertThatThrownBy(() -> dynamo.putItem(b -> b.tableName("bad-input").item(Map.of("leaseKey", s("k")))
                .conditionExpression("attribute_not_exists(leaseKey)")
                .expected(Map.of("leaseKey", ExpectedAttributeValue.builder().exists(false).build()))))
                .hasMessageContaining("Can not use both expression and non-expression parameters in the same request");
        assertThatThrownBy(() -> dynamo.scan(b -> b.tableName("bad-input").segment(2).totalSegments(2)))
                .hasMessageContaining("Segment: 2 is not less than TotalSegments: 2");
        assertThatThrownBy(() -> dynamo.getItem(b -> b.tableName("no-such-table").key(Map.of("leaseKey", s("k")))))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> dynamo.createTable(b -> b.tableName("x")
                .keySchema(k -> k.attributeName("k").keyType(KeyType.HASH))
                .attributeDefinitions(a -> a.attributeName("k").attributeType(ScalarAttributeType.S))))
                .hasMessageContaining("1 validation error detected: Value 'x' at 'tableName' failed to satisfy constraint: "
                        + "Member must have length greater than or equal to 3");
        assertThatThrownBy(() -> dynamo.batchWriteItem(b -> b.requestItems(Map.of("bad-input", List.of(
                        software.amazon.awssdk.services.dynamodb.model.WriteRequest.builder()
                                .putRequest(p -> p.item(Map.of("leaseKey", s("k")))).build())))))
                .isInstanceOf(DynamoDbException.class).hasMessageContaining("BatchWriteItem is not supported")
                .satisfies(e -> assertThat(((DynamoDbException) e).awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
        assertThatThrownBy(() -> dynamo.putItem(b -> b.tableName("bad-input")
                .item(Map.of("leaseKey", s("k"), "blob", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[401 * 1024]))))))
                .hasMessageContaining("Item size has exceeded the maximum allowed size");
    }
}
