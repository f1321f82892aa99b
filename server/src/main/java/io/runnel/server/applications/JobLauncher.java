package io.runnel.server.applications;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.flink.FlinkRuntime;
import io.runnel.server.s3.ObjectStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Turns an application into a Flink job: fetches its code (a jar from S3, or Runnel's SQL runner for SQL),
 * hands its property groups over, uploads the jar to the cluster and runs it with the application's
 * configuration, under the job id chosen beforehand.
 */
final class JobLauncher {

    static final String SQL_RUNNER = "io.runnel.jobs.sql.SqlApplication";
    /** The Flink configuration key under which a job finds its property groups, as Managed Flink's file holds them. */
    static final String PROPERTIES_KEY = "runnel.application.properties";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FlinkRuntime runtime;
    private final FlinkRuntime.Context context;
    private final ObjectStore store;
    private final Executor io;

    JobLauncher(FlinkRuntime runtime, FlinkRuntime.Context context, ObjectStore store, Executor io) {
        this.runtime = runtime;
        this.context = context;
        this.store = store;
        this.io = io;
    }

    /** A failure of the application itself (its code, its configuration), not of Runnel or Flink being away. */
    static final class ApplicationFailure extends RuntimeException {
        ApplicationFailure(String message) {
            super(message, null, false, false);
        }
    }

    /** Submits the application's job; completes once Flink has accepted it. */
    CompletableFuture<Void> submit(Application app, Application.Job job) {
        return CompletableFuture.supplyAsync(() -> prepare(app), io).thenCompose(code ->
                runtime.rest().uploadJar(code.jar(), app.name() + ".jar").thenCompose(jarId ->
                        runtime.rest().runJar(jarId, request(app, job, code))
                                .whenComplete((jobId, error) -> runtime.rest().deleteJar(jarId))))
                .thenApply(jobId -> null);
    }

    private record Code(Path jar, String entryClass, List<String> args) {
    }

    /** The jar to run and how: blocking (S3, files). */
    private Code prepare(Application app) {
        // Keyed by creation time too: an application deleted and created again under its name starts at version 1 again.
        Path dir = runtime.workDir().resolve("applications").resolve(app.name()).resolve(Long.toString(app.createdAt()));
        try {
            Files.createDirectories(dir);
            Path properties = dir.resolve("application_properties.json");
            Files.writeString(properties, propertiesJson(app), StandardCharsets.UTF_8);
            if (app.code().isSql()) {
                return new Code(runtime.jobsJar(), SQL_RUNNER, sqlArguments(app));
            }
            if (app.code().isRunnelJob()) {
                List<String> lines = app.code().runnelJobLines();
                return new Code(runtime.jobsJar(), lines.get(0), runnelJobArguments(lines.subList(1, lines.size())));
            }
            Path jar = dir.resolve("code-v" + app.version() + ".jar");
            if (!Files.exists(jar)) {
                Application.Code code = app.code();
                if (!store.exists(code.bucket(), code.fileKey())) {
                    throw new ApplicationFailure("The application code s3://" + code.bucket() + "/" + code.fileKey()
                            + " does not exist. Please check the role provided or validity of S3 location you provided.");
                }
                store.download(code.bucket(), code.fileKey(), jar);
            }
            Path pointed = dir.resolve("code-v" + app.version() + "-runnel.jar");
            if (Files.exists(pointed)) {
                return new Code(pointed, null, List.of()); // made at an earlier start of this version
            }
            try {
                // The file is on this machine: a cluster elsewhere reads it only from a shared folder, else finds no properties.
                jar = KinesisAnalyticsRuntimeJar.pointAt(jar, properties, pointed);
            } catch (java.util.zip.ZipException e) {
                throw new ApplicationFailure("The application code s3://" + app.code().bucket() + "/" + app.code().fileKey()
                        + " is not a jar: " + e.getMessage());
            }
            return new Code(jar, null, List.of());
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() == 403 || e.statusCode() == 404) {
                throw new ApplicationFailure("The application code s3://" + app.code().bucket() + "/" + app.code().fileKey()
                        + " cannot be read: " + e.awsErrorDetails().errorMessage());
            }
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A Runnel job's stored arguments, then where this server and its Kafka cluster are and its key: given at each
     * start, never stored, since ports and keys may change from one start of the server to the next.
     */
    private List<String> runnelJobArguments(List<String> stored) {
        List<String> args = new ArrayList<>(stored);
        args.addAll(List.of("--endpoint", context.apiEndpoint().toString(), "--bootstrap-servers", context.bootstrapServers()));
        if (context.apiKey() != null) {
            args.addAll(List.of("--access-key-id", context.apiKey()[0], "--secret-access-key", context.apiKey()[1]));
        }
        return args;
    }

    private List<String> sqlArguments(Application app) {
        List<String> args = new ArrayList<>(List.of("--script-base64",
                Base64.getEncoder().encodeToString(app.code().text().getBytes(StandardCharsets.UTF_8)), "--catalog", "runnel"));
        FlinkRuntime.catalogOptions(context).forEach((key, value) -> args.addAll(List.of("--catalog-option", key + "=" + value)));
        return args;
    }

    /** The property groups in the form of Managed Flink's application_properties.json. */
    static String propertiesJson(Application app) {
        ArrayNode groups = JSON.createArrayNode();
        for (Application.PropertyGroup group : app.propertyGroups()) {
            ObjectNode g = groups.addObject().put("PropertyGroupId", group.id());
            ObjectNode map = g.putObject("PropertyMap");
            group.properties().forEach(map::put);
        }
        return groups.toString();
    }

    private ObjectNode request(Application app, Application.Job job, Code code) {
        ObjectNode request = JSON.createObjectNode();
        if (code.entryClass() != null) {
            request.put("entryClass", code.entryClass());
        }
        ArrayNode args = request.putArray("programArgsList");
        code.args().forEach(args::add);
        request.put("parallelism", app.parallelism().parallelism());
        request.put("jobId", job.id());
        if (job.restoreFrom() != null) {
            request.put("savepointPath", job.restoreFrom());
            request.put("allowNonRestoredState", app.run().allowNonRestoredState());
        }
        ObjectNode conf = request.putObject("flinkConfiguration");
        for (Map.Entry<String, String> e : flinkConfiguration(app).entrySet()) {
            conf.put(e.getKey(), e.getValue());
        }
        return request;
    }

    private Map<String, String> flinkConfiguration(Application app) {
        Map<String, String> conf = new java.util.LinkedHashMap<>();
        conf.put("pipeline.name", app.name());
        Application.Checkpointing checkpointing = app.checkpointing();
        if (checkpointing.enabled()) {
            conf.put("execution.checkpointing.interval", checkpointing.intervalMs() + " ms");
            conf.put("execution.checkpointing.min-pause", checkpointing.minPauseMs() + " ms");
        }
        conf.put("execution.checkpointing.dir", runtime.checkpointDir());
        conf.put("execution.checkpointing.savepoint-dir", runtime.savepointDir());
        conf.put("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
        conf.put(PROPERTIES_KEY, propertiesJson(app));
        return conf;
    }
}
