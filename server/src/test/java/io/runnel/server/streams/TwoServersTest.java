package io.runnel.server.streams;

import io.runnel.server.RunnelConfig;
import io.runnel.server.RunnelServer;
import io.runnel.server.testing.Clients;
import io.runnel.server.testing.RunnelServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Two servers on one Kafka cluster and one metadata topic: a stream created through both at once is made once. */
@ExtendWith(RunnelServerExtension.class)
class TwoServersTest {

    private static final int TRIALS = 100;

    @Test
    void concurrentCreatesOfOneNameHaveExactlyOneWinner(@TempDir Path dir) throws Exception {
        RunnelConfig config = RunnelServerExtension.testConfig(dir);
        config.kafka = RunnelServerExtension.server().server.bootstrapServers();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (RunnelServer second = RunnelServer.start(config);
             KinesisClient a = Clients.sync(RunnelServerExtension.server().endpoint(), true);
             KinesisClient b = Clients.sync(URI.create("http://127.0.0.1:" + second.port()), true)) {
            for (int trial = 0; trial < TRIALS; trial++) {
                String stream = "race-" + trial;
                CyclicBarrier start = new CyclicBarrier(2);
                List<Future<String>> outcomes = new ArrayList<>();
                for (KinesisClient client : List.of(a, b)) {
                    outcomes.add(pool.submit(() -> {
                        start.await();
                        try {
                            client.createStream(c -> c.streamName(stream).shardCount(1));
                            return "created";
                        } catch (ResourceInUseException e) {
                            return "in use";
                        }
                    }));
                }
                List<String> results = new ArrayList<>();
                for (Future<String> outcome : outcomes) {
                    results.add(outcome.get());
                }
                assertThat(results).as("trial %d", trial).containsExactlyInAnyOrder("created", "in use");
            }
            Clients.awaitActive(b, "race-" + (TRIALS - 1));
            assertThat(a.describeStreamSummary(c -> c.streamName("race-0")).streamDescriptionSummary().openShardCount()).isEqualTo(1);
            for (int trial = 0; trial < TRIALS; trial++) {
                String stream = "race-" + trial;
                Clients.awaitActive(a, stream);
                a.deleteStream(c -> c.streamName(stream));
            }
        } finally {
            pool.shutdown();
        }
    }
}
