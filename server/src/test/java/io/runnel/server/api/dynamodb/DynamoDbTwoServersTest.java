package io.runnel.server.api.dynamodb;

import io.runnel.server.RunnelConfig;
import io.runnel.server.RunnelServer;
import io.runnel.server.testing.RunnelServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two servers on one Kafka: sixteen writers, half through each, race conditional writes on one item, round after round.
 * Exactly one write of each round wins, and the item ends as the winners left it, whichever server each went through.
 */
@ExtendWith(RunnelServerExtension.class)
class DynamoDbTwoServersTest {

    private static final int WRITERS = 16;
    private static final int ROUNDS = 20;

    @Test
    void exactlyOneOfEachRoundOfCompetingConditionalWritesWins(@TempDir Path dir) throws Exception {
        RunnelConfig config = RunnelServerExtension.testConfig(dir);
        config.kafka = RunnelServerExtension.server().server.bootstrapServers();
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        try (RunnelServer second = RunnelServer.start(config);
             DynamoDbClient a = DynamoDbSdkTest.client(RunnelServerExtension.server().endpoint());
             DynamoDbClient b = DynamoDbSdkTest.client(URI.create("http://127.0.0.1:" + second.port()))) {
            a.createTable(t -> t.tableName("race").billingMode(BillingMode.PAY_PER_REQUEST)
                    .keySchema(k -> k.attributeName("leaseKey").keyType(KeyType.HASH))
                    .attributeDefinitions(d -> d.attributeName("leaseKey").attributeType(ScalarAttributeType.S)));
            List<String> winners = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                int r = round;
                CyclicBarrier start = new CyclicBarrier(WRITERS);
                List<Future<Boolean>> outcomes = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    DynamoDbClient client = w % 2 == 0 ? a : b;
                    String owner = "worker-" + w;
                    outcomes.add(pool.submit(() -> {
                        start.await();
                        try {
                            if (r == 0) {
                                // The first round creates the lease: only one put of an absent item succeeds.
                                client.putItem(p -> p.tableName("race").item(Map.of("leaseKey", s("shard-0"),
                                                "leaseOwner", s(owner), "leaseCounter", n(1)))
                                        .conditionExpression("attribute_not_exists(leaseKey)"));
                            } else {
                                // Later rounds take it at the counter every writer read: only one sees it unchanged.
                                client.updateItem(u -> u.tableName("race").key(Map.of("leaseKey", s("shard-0")))
                                        .updateExpression("SET leaseOwner = :me ADD leaseCounter :one")
                                        .conditionExpression("leaseCounter = :seen")
                                        .expressionAttributeValues(Map.of(":me", s(owner), ":one", n(1), ":seen", n(r))));
                            }
                            return true;
                        } catch (ConditionalCheckFailedException e) {
                            return false;
                        }
                    }));
                }
                List<String> won = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    if (outcomes.get(w).get()) {
                        won.add("worker-" + w);
                    }
                }
                assertThat(won).as("winners of round %d", round).hasSize(1);
                winners.add(won.get(0));
                for (DynamoDbClient reader : List.of(a, b)) {
                    Map<String, AttributeValue> item = reader.getItem(g -> g.tableName("race")
                            .key(Map.of("leaseKey", s("shard-0"))).consistentRead(true)).item();
                    assertThat(item.get("leaseCounter").n()).isEqualTo(Integer.toString(r + 1));
                    assertThat(item.get("leaseOwner").s()).isEqualTo(won.get(0));
                }
            }
            assertThat(winners).hasSize(ROUNDS);
        } finally {
            pool.shutdownNow();
        }
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
