package io.runnel.server.flink;

import io.runnel.server.RunnelConfig;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Where Runnel's Flink jobs run. Embedded: a session cluster and SQL Gateway in a child process, from
 * deploy/standalone's Flink home, with data under {@code <data-dir>/flink/}. Remote ({@code --flink URL}): an
 * existing session cluster, with a SQL Gateway in a child process in front of it, or an existing gateway
 * ({@code --sql-gateway URL}) and no child at all. Either way the server reaches the cluster only through
 * {@link #rest()}.
 */
public final class FlinkRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FlinkRuntime.class);
    /** The bucket on the S3 endpoint where a remote cluster's checkpoints and savepoints go by default. */
    public static final String BUCKET = "runnel";

    /** What jobs are told about the rest of Runnel. */
    public record Context(URI apiEndpoint, String bootstrapServers, URI s3Endpoint, String s3AccessKey, String s3SecretKey,
                          String[] apiKey) {
    }

    private final FlinkRest rest;
    private final URI webUi;
    private final URI sqlGateway;
    private final String checkpointDir;
    private final String savepointDir;
    private final Path workDir;
    private final Path jobsJar;
    private final boolean embedded;
    private final FlinkProcess process;

    private FlinkRuntime(FlinkRest rest, URI webUi, URI sqlGateway, String checkpointDir, String savepointDir, Path workDir,
                         Path jobsJar, boolean embedded, FlinkProcess process) {
        this.rest = rest;
        this.webUi = webUi;
        this.sqlGateway = sqlGateway;
        this.checkpointDir = checkpointDir;
        this.savepointDir = savepointDir;
        this.workDir = workDir;
        this.jobsJar = jobsJar;
        this.embedded = embedded;
        this.process = process;
    }

    /**
     * The child's java.io.tmpdir, emptied first: Flink's table planner unpacks a 45 MB jar there in every JVM and deletes
     * it only when the JVM exits normally, so a child that was killed would otherwise leave one in /tmp each time.
     * Left at the default when the path holds a space, which the launcher's word splitting would break.
     */
    private static String javaTmpDir(Path dir) throws IOException {
        if (dir.toString().chars().anyMatch(Character::isWhitespace)) {
            return "";
        }
        if (Files.isDirectory(dir)) {
            try (java.util.stream.Stream<Path> stale = Files.walk(dir)) {
                stale.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(dir);
        return " -Djava.io.tmpdir=" + dir;
    }

    /**
     * Starts the child process (not waiting for it: see {@link #ready()}). The config's ports must be
     * concrete, not 0.
     */
    public static FlinkRuntime start(RunnelConfig config, Vertx vertx, Context context) throws IOException {
        Path home = config.flinkHome;
        if (home == null || !Files.isDirectory(home.resolve("lib"))) {
            throw new IllegalStateException("the Flink home " + home + " has no lib/: build it with "
                    + "'mvn -B install -DskipTests' (./runnel up does), or start with --flink none or --flink URL");
        }
        Path workDir = config.dataDir.toAbsolutePath().resolve("flink");
        boolean embedded = config.flink.equals("embedded");
        String advertised = config.advertisedHost();
        URI restUrl = embedded ? URI.create("http://" + advertised + ":" + config.flinkPort) : URI.create(config.flink);
        String checkpoints = Optional.ofNullable(config.checkpointDir).map(FlinkRuntime::asUri).orElse(embedded
                ? workDir.resolve("checkpoints").toUri().toString() : "s3://" + BUCKET + "/flink/checkpoints");
        String savepoints = Optional.ofNullable(config.savepointDir).map(FlinkRuntime::asUri).orElse(embedded
                ? workDir.resolve("savepoints").toUri().toString() : "s3://" + BUCKET + "/flink/savepoints");
        URI gateway = !embedded && config.sqlGateway != null ? URI.create(config.sqlGateway)
                : URI.create("http://" + advertised + ":" + config.sqlGatewayPort);

        Path conf = workDir.resolve("conf");
        Path gatewayConf = workDir.resolve("sql-gateway");
        Path catalogs = workDir.resolve("catalogs");
        for (Path dir : List.of(conf, gatewayConf, catalogs, workDir.resolve("log"), workDir.resolve("jars"), workDir.resolve("tmp"))) {
            Files.createDirectories(dir);
        }
        Map<String, String> cluster = new LinkedHashMap<>();
        cluster.put("rest.address", advertised);
        cluster.put("rest.bind-address", config.host);
        cluster.put("rest.port", Integer.toString(config.flinkPort));
        cluster.put("jobmanager.bind-host", config.host);
        cluster.put("taskmanager.host", config.host);
        cluster.put("taskmanager.bind-host", config.host);
        cluster.put("taskmanager.numberOfTaskSlots", Integer.toString(config.flinkSlots));
        cluster.put("parallelism.default", "1");
        cluster.put("execution.checkpointing.dir", checkpoints);
        cluster.put("execution.checkpointing.savepoint-dir", savepoints);
        // Kept after a cancel or a crash, so that an application starts again from where its job was.
        cluster.put("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
        cluster.put("web.upload.dir", workDir.resolve("jars").toString());
        cluster.put("io.tmp.dirs", workDir.resolve("tmp").toString());
        cluster.putAll(s3Settings(context));
        cluster.put("runnel.endpoint", context.apiEndpoint().toString());
        writeYaml(conf.resolve("config.yaml"), cluster);
        Files.copy(home.resolve("conf/log4j.properties"), conf.resolve("log4j.properties"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        Map<String, String> sqlGateway = new LinkedHashMap<>();
        sqlGateway.put("sql-gateway.endpoint.rest.address", advertised);
        sqlGateway.put("sql-gateway.endpoint.rest.bind-address", config.host);
        sqlGateway.put("sql-gateway.endpoint.rest.port", Integer.toString(config.sqlGatewayPort));
        sqlGateway.put("execution.target", "remote");
        sqlGateway.put("rest.address", restUrl.getHost());
        sqlGateway.put("rest.port", Integer.toString(restUrl.getPort() < 0 ? 80 : restUrl.getPort()));
        // Every session starts in the Runnel catalog, which the catalog store below describes.
        sqlGateway.put("table.catalog-store.kind", "file");
        sqlGateway.put("table.catalog-store.file.path", catalogs.toUri().toString());
        sqlGateway.put("table.builtin-catalog-name", "runnel");
        writeYaml(gatewayConf.resolve("config.yaml"), sqlGateway);
        writeYaml(catalogs.resolve("runnel.yaml"), catalogOptions(context));

        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("FLINK_CONF_DIR", conf.toString());
        environment.put("FLINK_LOG_DIR", workDir.resolve("log").toString());
        environment.put("FLINK_JAVA_OPTS", config.flinkJavaOpts + javaTmpDir(workDir.resolve("tmp/java")));
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        List<String> args = new ArrayList<>(List.of("--gateway-conf", gatewayConf.toString()));
        if (!embedded) {
            args.add("--no-cluster");
        }
        FlinkProcess process = null;
        if (embedded || config.sqlGateway == null) {
            process = new FlinkProcess(home, args, environment, workDir.resolve("log/flink-local.out"), embedded, true);
            process.start();
        }
        FlinkRest rest = new FlinkRest(vertx, restUrl);
        return new FlinkRuntime(rest, restUrl, gateway, checkpoints, savepoints, workDir, home.resolve("opt/runnel-jobs.jar"),
                embedded, process);
    }

    /** A directory setting as a URI: a plain path (a shared folder) is a file: URI, as Flink reads it. */
    private static String asUri(String directory) {
        return URI.create(directory).getScheme() != null ? directory : Path.of(directory).toAbsolutePath().toUri().toString();
    }

    /** The options of the Runnel catalog, as CREATE CATALOG takes them, for sessions and SQL applications. */
    public static Map<String, String> catalogOptions(Context context) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("type", "runnel");
        options.put("endpoint", context.apiEndpoint().toString());
        options.put("bootstrap-servers", context.bootstrapServers());
        if (context.apiKey() != null) {
            options.put("access-key-id", context.apiKey()[0]);
            options.put("secret-access-key", context.apiKey()[1]);
        }
        return options;
    }

    /** The settings that let Flink's S3 file system (s3:// and s3a://) use Runnel's S3 endpoint. */
    public static Map<String, String> s3Settings(Context context) {
        Map<String, String> s3 = new LinkedHashMap<>();
        s3.put("s3.endpoint", context.s3Endpoint().toString());
        s3.put("s3.path.style.access", "true");
        s3.put("s3.connection.ssl.enabled", Boolean.toString("https".equals(context.s3Endpoint().getScheme())));
        s3.put("s3.endpoint.region", "us-east-1");
        s3.put("s3.access-key", context.s3AccessKey());
        s3.put("s3.secret-key", context.s3SecretKey());
        // After each write S3A would delete the parent "directory" markers; through S3Proxy each such delete takes
        // about 25 s, which made every checkpoint on S3 take a minute. Keeping markers is also cheaper on real S3.
        s3.put("s3.directory.marker.retention", "keep");
        return s3;
    }

    private static void writeYaml(Path file, Map<String, String> settings) throws IOException {
        StringBuilder yaml = new StringBuilder("# Written by the Runnel server at each start; edits are lost.\n");
        settings.forEach((key, value) -> yaml.append(key).append(": ").append(quote(value)).append('\n'));
        Files.writeString(file, yaml);
    }

    /** A YAML double-quoted scalar, so that no value is read as a number, a boolean or YAML syntax. */
    private static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Completes once the child process serves (the cluster, when embedded, and the SQL Gateway); at once without one. */
    public CompletableFuture<Void> ready() {
        return process == null ? CompletableFuture.completedFuture(null) : process.ready();
    }

    /** Waits until the runtime serves, or fails with why not. */
    public void awaitReady(long timeoutSeconds) throws Exception {
        try {
            ready().get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the Flink runtime did not start within " + timeoutSeconds + " s; see "
                    + workDir.resolve("log"), e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
        LOG.info("Flink runtime serves: REST {}, SQL Gateway {}", rest.base(), sqlGateway);
    }

    public FlinkRest rest() {
        return rest;
    }

    public URI webUi() {
        return webUi;
    }

    public URI sqlGateway() {
        return sqlGateway;
    }

    public String checkpointDir() {
        return checkpointDir;
    }

    public String savepointDir() {
        return savepointDir;
    }

    /** Where the runtime keeps its files: configuration, logs, applications' code and properties. */
    public Path workDir() {
        return workDir;
    }

    /** The jar of Runnel's own jobs (the SQL application runner). */
    public Path jobsJar() {
        return jobsJar;
    }

    /** Whether the cluster is the server's own child, whose jobs die with it. */
    public boolean embedded() {
        return embedded;
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
        rest.close();
    }
}
