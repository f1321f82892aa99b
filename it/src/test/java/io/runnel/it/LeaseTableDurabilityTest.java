package io.runnel.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A lease table renewed by four writers while the server is killed with SIGKILL and started again: the table, its
 * index and every acknowledged renewal are there afterwards, and conditional writes go on from them.
 */
class LeaseTableDurabilityTest {

    private static final int LEASES = 8;
    private static final int WRITERS = 4;

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedRenewalSurvivesSigkill() throws Exception {
        String[] flags = {"--port", Integer.toString(RunnelProcess.freePort()), "--kafka-port", Integer.toString(RunnelProcess.freePort()),
                "--data-dir", dir.resolve("data").toString()};
        Path log = Path.of("target/runnel-lease-durability.log");
        AtomicIntegerArray acknowledged = new AtomicIntegerArray(LEASES);
        RunnelProcess first = RunnelProcess.up(log, flags);
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        AtomicBoolean killed = new AtomicBoolean();
        try (DynamoDbClient dynamo = client(first.endpoint())) {
            dynamo.createTable(b -> b.tableName("app").billingMode(BillingMode.PAY_PER_REQUEST)
                    .keySchema(k -> k.attributeName("leaseKey").keyType(KeyType.HASH))
                    .attributeDefinitions(a -> a.attributeName("leaseKey").attributeType(ScalarAttributeType.S),
                            a -> a.attributeName("leaseOwner").attributeType(ScalarAttributeType.S))
                    .globalSecondaryIndexes(g -> g.indexName("LeaseOwnerToLeaseKeyIndex")
                            .keySchema(k -> k.attributeName("leaseOwner").keyType(KeyType.HASH),
                                    k -> k.attributeName("leaseKey").keyType(KeyType.RANGE))
                            .projection(p -> p.projectionType(ProjectionType.KEYS_ONLY))));
            for (int lease = 0; lease < LEASES; lease++) {
                int l = lease;
                dynamo.putItem(b -> b.tableName("app").item(Map.of("leaseKey", s("shard-" + l),
                        "leaseOwner", s("worker-" + l % WRITERS), "leaseCounter", n(0)))
                        .conditionExpression("attribute_not_exists(leaseKey)"));
            }
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.add(pool.submit(() -> renew(first.endpoint(), writer, acknowledged, killed)));
            }
            await().atMost(Duration.ofMinutes(2)).until(() -> total(acknowledged) >= 200);
            killed.set(true);
            first.kill();
            for (Future<?> f : writers) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
            first.close();
        }

        try (RunnelProcess second = RunnelProcess.up(log, flags); DynamoDbClient dynamo = client(second.endpoint())) {
            TableDescription table = dynamo.describeTable(b -> b.tableName("app")).table();
            assertThat(table.itemCount()).isEqualTo(LEASES);
            assertThat(table.globalSecondaryIndexes()).singleElement()
                    .satisfies(i -> assertThat(i.indexStatus()).isEqualTo(IndexStatus.ACTIVE));
            for (int lease = 0; lease < LEASES; lease++) {
                int l = lease;
                Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName("app")
                        .key(Map.of("leaseKey", s("shard-" + l))).consistentRead(true)).item();
                int counter = Integer.parseInt(item.get("leaseCounter").n());
                // The renewal in flight at the kill may or may not have been written; every acknowledged one was.
                assertThat(counter).as("counter of shard-%d", l).isBetween(acknowledged.get(l), acknowledged.get(l) + 1);
                assertThatThrownBy(() -> dynamo.updateItem(b -> b.tableName("app").key(Map.of("leaseKey", s("shard-" + l)))
                        .updateExpression("ADD leaseCounter :one").conditionExpression("leaseCounter = :seen")
                        .expressionAttributeValues(Map.of(":one", n(1), ":seen", n(counter - 1)))))
                        .isInstanceOf(ConditionalCheckFailedException.class);
                dynamo.updateItem(b -> b.tableName("app").key(Map.of("leaseKey", s("shard-" + l)))
                        .updateExpression("ADD leaseCounter :one").conditionExpression("leaseCounter = :seen")
                        .expressionAttributeValues(Map.of(":one", n(1), ":seen", n(counter))));
            }
            assertThat(dynamo.query(b -> b.tableName("app").indexName("LeaseOwnerToLeaseKeyIndex")
                    .keyConditionExpression("leaseOwner = :o").expressionAttributeValues(Map.of(":o", s("worker-1")))).count())
                    .isEqualTo(LEASES / WRITERS);
        }
    }

    /** Renews the writer's own leases, each at the counter it last wrote, until the server is killed. */
    private static void renew(URI endpoint, int writer, AtomicIntegerArray acknowledged, AtomicBoolean killed) {
        try (DynamoDbClient dynamo = client(endpoint)) {
            while (!killed.get()) {
                for (int lease = writer; lease < LEASES; lease += WRITERS) {
                    int l = lease;
                    int seen = acknowledged.get(l);
                    try {
                        dynamo.updateItem(b -> b.tableName("app").key(Map.of("leaseKey", s("shard-" + l)))
                                .updateExpression("ADD leaseCounter :one").conditionExpression("leaseCounter = :seen")
                                .expressionAttributeValues(Map.of(":one", n(1), ":seen", n(seen))));
                        acknowledged.set(l, seen + 1);
                    } catch (RuntimeException e) {
                        if (!killed.get()) {
                            throw e;
                        }
                        return;
                    }
                }
            }
        }
    }

    private static int total(AtomicIntegerArray counters) {
        int sum = 0;
        for (int i = 0; i < counters.length(); i++) {
            sum += counters.get(i);
        }
        return sum;
    }

    private static DynamoDbClient client(URI endpoint) {
        return DynamoDbClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .overrideConfiguration(c -> c.retryStrategy(b -> b.maxAttempts(1)))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("runnel", "runnel-secret"))).build();
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
