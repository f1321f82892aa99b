package io.runnel.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A standalone Flink session cluster, a JobManager and a TaskManager process, started as a user starts one:
 * with deploy/standalone's {@code flink-cluster.sh}, from the Flink home Maven builds there (Flink's jars and
 * Runnel's in lib/, the S3 file system in plugins/). {@link #run} submits a job jar the way {@code flink run} does.
 */
final class FlinkCluster implements AutoCloseable {

    static final Path HOME = RunnelProcess.ROOT.resolve("deploy/standalone/target/flink");
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(6);

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final int restPort;

    private FlinkCluster(Path dir, int restPort) {
        this.dir = dir;
        this.restPort = restPort;
    }

    /**
     * Starts the cluster with its configuration and logs in {@code dir} (kept for a look afterwards), S3 at the
     * given endpoint, and waits until its TaskManager offers slots.
     */
    static FlinkCluster start(Path dir, int slots, URI s3) throws Exception {
        if (!Files.isDirectory(HOME.resolve("lib"))) {
            throw new IllegalStateException(HOME + " is missing: run the tests through Maven (mvn verify), which builds it");
        }
        FlinkCluster cluster = new FlinkCluster(dir.toAbsolutePath(), RunnelProcess.freePort());
        cluster.writeConfiguration(slots, s3);
        try {
            Commands.Result started = cluster.script("start");
            assertThat(started.exit()).as("flink-cluster.sh start: %s", started.output()).isZero();
            await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> cluster.overview().path("slots-available").asInt() >= slots);
            return cluster;
        } catch (Exception | AssertionError e) {
            cluster.close();
            throw e;
        }
    }

    private void writeConfiguration(int slots, URI s3) throws IOException {
        if (Files.exists(dir)) {
            try (var old = Files.walk(dir)) {
                old.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(dir.resolve("conf"));
        Files.writeString(dir.resolve("conf/config.yaml"), String.join("\n",
                "jobmanager.rpc.address: 127.0.0.1",
                "jobmanager.rpc.port: " + RunnelProcess.freePort(),
                "jobmanager.bind-host: 127.0.0.1",
                "jobmanager.memory.process.size: 1024m",
                "rest.address: 127.0.0.1",
                "rest.bind-address: 127.0.0.1",
                "rest.port: " + restPort,
                "taskmanager.host: 127.0.0.1",
                "taskmanager.bind-host: 127.0.0.1",
                "taskmanager.numberOfTaskSlots: " + slots,
                "taskmanager.memory.process.size: 1536m",
                "parallelism.default: 2",
                "execution.checkpointing.interval: 1s",
                "execution.checkpointing.dir: " + dir.resolve("checkpoints").toUri(),
                "execution.checkpointing.savepoint-dir: " + dir.resolve("savepoints").toUri(),
                "io.tmp.dirs: " + dir.resolve("tmp"),
                "s3.endpoint: " + s3,
                "s3.path.style.access: true",
                "s3.endpoint.region: us-east-1",
                "s3.connection.ssl.enabled: false",
                "s3.directory.marker.retention: keep",
                "s3.access-key: " + Commands.KEY,
                "s3.secret-key: " + Commands.SECRET,
                ""));
    }

    private Commands.Result script(String command) throws IOException, InterruptedException {
        return Commands.run(List.of("bash", HOME.resolve("bin/flink-cluster.sh").toString(), command),
                Map.of("FLINK_CONF_DIR", dir.resolve("conf").toString(), "FLINK_LOG_DIR", logs().toString(),
                        "JAVA_HOME", System.getProperty("java.home")), START_TIMEOUT);
    }

    URI restUrl() {
        return URI.create("http://127.0.0.1:" + restPort);
    }

    /** Runs {@code flink run <jar> <args>} with deploy/standalone's flink.sh; returns its exit status, its output in {@code output}. */
    int run(Path jar, Path output, String... args) throws Exception {
        return run(List.of(), jar, output, args);
    }

    /** Runs {@code flink run <options> <jar> <args>}, as {@link #run(Path, Path, String...)}. */
    int run(List<String> options, Path jar, Path output, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", HOME.resolve("bin/flink.sh").toString(), "run"));
        command.addAll(options);
        command.add(jar.toString());
        command.addAll(List.of(args));
        Commands.Result result = Commands.run(command, Map.of("FLINK_CONF_DIR", dir.resolve("conf").toString(),
                "FLINK_LOG_DIR", logs().toString(), "JAVA_HOME", System.getProperty("java.home")), JOB_TIMEOUT);
        Files.writeString(output, result.output());
        return result.exit();
    }

    /** The REST API's /overview: taskmanagers, slots, jobs running and finished. */
    JsonNode overview() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(restUrl().resolve("/overview"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    /** Cancels a job, as {@code flink cancel} does. */
    void cancel(String jobId) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(restUrl().resolve("/jobs/" + jobId + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("cancelling job %s: %s", jobId, response.body()).isEqualTo(202);
    }

    Path logs() {
        return dir.resolve("log");
    }

    @Override
    public void close() throws Exception {
        script("stop");
    }
}
