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
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A standalone Flink session cluster, one JobManager and one TaskManager process, started the way Flink's
 * start-cluster.sh starts them, from a lib/ folder Maven fills ({@code target/flink/lib}: Flink's jars and
 * Runnel's SQL jar). {@link #run} submits a job jar the way {@code flink run} does.
 */
final class FlinkCluster implements AutoCloseable {

    static final Path LIB = Path.of("target/flink/lib").toAbsolutePath();
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(6);
    /** What Flink's own config.yaml passes to every JVM on Java 17. */
    private static final List<String> JAVA_OPTS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED", "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.text=ALL-UNNAMED",
            "--add-opens=java.base/java.time=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path home;
    private final int restPort;
    private final List<Process> processes = new ArrayList<>();

    private FlinkCluster(Path home, int restPort) {
        this.home = home;
        this.restPort = restPort;
    }

    /** Starts the cluster in {@code home} (its conf/ and log/, kept for a look afterwards) and waits until its TaskManager offers slots. */
    static FlinkCluster start(Path home, int slots) throws Exception {
        if (!Files.isDirectory(LIB)) {
            throw new IllegalStateException(LIB + " is missing: run the tests through Maven (mvn verify), which fills it");
        }
        FlinkCluster cluster = new FlinkCluster(home.toAbsolutePath(), RunnelProcess.freePort());
        cluster.writeConfiguration(slots);
        try {
            cluster.startProcess("jobmanager", "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                    "GET_JM_RESOURCE_PARAMS");
            cluster.startProcess("taskmanager", "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                    "GET_TM_RESOURCE_PARAMS");
            await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> cluster.overview().path("slots-available").asInt() >= slots);
            return cluster;
        } catch (Exception | AssertionError e) {
            cluster.close();
            throw e;
        }
    }

    private void writeConfiguration(int slots) throws IOException {
        if (Files.exists(home)) {
            try (var old = Files.walk(home)) {
                old.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(home.resolve("conf"));
        Files.createDirectories(home.resolve("log"));
        Files.writeString(home.resolve("conf/config.yaml"), String.join("\n",
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
                "io.tmp.dirs: " + home.resolve("tmp"),
                ""));
        Files.writeString(home.resolve("conf/log4j.properties"), String.join("\n",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.file.ref = file",
                "appender.file.type = File",
                "appender.file.name = file",
                "appender.file.fileName = ${sys:log.file}",
                "appender.file.layout.type = PatternLayout",
                "appender.file.layout.pattern = %d{HH:mm:ss,SSS} %-5p %c{1} [%t] - %m%n",
                "logger.kafka.name = org.apache.kafka",
                "logger.kafka.level = WARN",
                "logger.shadedkafka.name = io.runnel.shaded.org.apache.kafka",
                "logger.shadedkafka.level = WARN",
                ""));
    }

    /**
     * Starts one of the cluster's processes with the JVM flags and memory settings Flink derives from the
     * configuration, as its start scripts do through BashJavaUtils.
     */
    private void startProcess(String name, String mainClass, String resourceParams) throws Exception {
        List<String> derived = derivedParams(resourceParams);
        List<String> args = new ArrayList<>(List.of("--configDir", home.resolve("conf").toString()));
        args.addAll(List.of(derived.get(1).split(" ")));
        List<String> command = java(List.of(derived.get(0).split(" ")), name, mainClass, args.toArray(String[]::new));
        processes.add(new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(home.resolve("log/" + name + ".out").toFile()).start());
    }

    /** BashJavaUtils' two answers: the JVM's memory flags, then the dynamic properties that go with them. */
    private List<String> derivedParams(String command) throws Exception {
        Path out = home.resolve("log/" + command.toLowerCase() + ".out");
        Process p = new ProcessBuilder(java(List.of(), "bash-java-utils", "org.apache.flink.runtime.util.bash.BashJavaUtils",
                command, "--configDir", home.resolve("conf").toString())).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("BashJavaUtils " + command + " failed; see " + out);
        }
        String prefix = "BASH_JAVA_UTILS_EXEC_RESULT:";
        List<String> results = Files.readAllLines(out).stream().filter(l -> l.startsWith(prefix))
                .map(l -> l.substring(prefix.length()).trim()).toList();
        if (results.size() != 2) {
            throw new IllegalStateException("BashJavaUtils " + command + " answered " + results + "; see " + out);
        }
        return results;
    }

    private List<String> java(List<String> jvmFlags, String logName, String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmFlags);
        command.addAll(JAVA_OPTS);
        command.addAll(List.of("-Dlog.file=" + home.resolve("log/" + logName + ".log"),
                "-Dlog4j.configurationFile=" + home.resolve("conf/log4j.properties").toUri(),
                "-cp", LIB + "/*", mainClass));
        command.addAll(List.of(args));
        return command;
    }

    /** Runs {@code flink run <jar> <args>} against this cluster; returns its exit status, its output in {@code output}. */
    int run(Path jar, Path output, String... args) throws Exception {
        List<String> cliArgs = new ArrayList<>(List.of("run", jar.toString()));
        cliArgs.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(java(List.of("-Xmx512m"), "client", "org.apache.flink.client.cli.CliFrontend",
                cliArgs.toArray(String[]::new))).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("FLINK_CONF_DIR", home.resolve("conf").toString());
        Process p = builder.start();
        if (!p.waitFor(JOB_TIMEOUT.toMinutes(), TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("flink run did not end; see " + output);
        }
        return p.exitValue();
    }

    /** The REST API's /overview: taskmanagers, slots, jobs running and finished. */
    JsonNode overview() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + "/overview"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    Path logs() {
        return home.resolve("log");
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
