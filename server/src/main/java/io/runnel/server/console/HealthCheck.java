package io.runnel.server.console;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.DaemonThreads;
import io.runnel.server.flink.FlinkRuntime;
import io.runnel.server.s3.ObjectStore;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /health}: ready when Kafka, the Flink runtime (if the server has one) and the S3 endpoint each answer
 * within a few seconds; what a Kubernetes readiness probe asks. Each part is asked anew, without blocking an event loop.
 */
final class HealthCheck implements AutoCloseable {

    private static final int TIMEOUT_MS = 3000;

    private final Admin kafka;
    private final FlinkRuntime flink;
    private final ObjectStore store;
    private final ExecutorService s3Checks = Executors.newSingleThreadExecutor(DaemonThreads.named("runnel-health"));

    HealthCheck(String bootstrapServers, FlinkRuntime flink, ObjectStore store) {
        this.kafka = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "runnel-health", AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS));
        this.flink = flink;
        this.store = store;
    }

    /** The checks' outcome: {@code status} UP when every part answered, with each part's own status. */
    CompletableFuture<ObjectNode> check() {
        CompletableFuture<String> kafkaCheck = new CompletableFuture<>();
        kafka.describeCluster(new DescribeClusterOptions().timeoutMs(TIMEOUT_MS)).nodes().whenComplete((nodes, error) ->
                kafkaCheck.complete(error != null ? "DOWN: " + error.getMessage() : nodes.isEmpty() ? "DOWN: no broker" : "UP"));
        // Its JobManager answering is enough: a cluster on Kubernetes starts TaskManagers only for jobs.
        CompletableFuture<String> flinkCheck = flink == null ? CompletableFuture.completedFuture("NONE")
                : flink.rest().overview().handle((overview, error) -> error != null ? "DOWN: " + error.getMessage() : "UP");
        CompletableFuture<String> s3Check = CompletableFuture.supplyAsync(() -> {
            store.bucketExists(FlinkRuntime.BUCKET);
            return "UP";
        }, s3Checks).completeOnTimeout("DOWN: no answer within " + TIMEOUT_MS + " ms", TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .exceptionally(error -> "DOWN: " + error.getMessage());
        return kafkaCheck.thenCombine(flinkCheck, (k, f) -> new String[] {k, f}).thenCombine(s3Check, (kf, s) -> {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            boolean up = kf[0].equals("UP") && (kf[1].equals("UP") || kf[1].equals("NONE")) && s.equals("UP");
            body.put("status", up ? "UP" : "DOWN");
            ObjectNode parts = body.putObject("checks");
            parts.put("kafka", kf[0]);
            parts.put("flink", kf[1]);
            parts.put("s3", s);
            return body;
        });
    }

    @Override
    public void close() {
        kafka.close(java.time.Duration.ofSeconds(5));
        s3Checks.shutdownNow();
    }
}
