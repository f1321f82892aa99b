package io.runnel.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code runnel app}: applications from the command line, through the server's Managed Flink API, as
 * {@code aws kinesisanalyticsv2} would do it step by step.
 */
@Command(name = "app", mixinStandardHelpOptions = true, description = "Deploy, start, stop and delete applications.",
        subcommands = {AppCommand.Deploy.class, AppCommand.ListApps.class, AppCommand.Status.class, AppCommand.Start.class,
                AppCommand.Stop.class, AppCommand.Delete.class})
public final class AppCommand {

    /** Where a jar is uploaded on the server's S3 endpoint. */
    static final String BUCKET = "runnel-applications";
    static final String RUNTIME = "FLINK-2_3"; // what Runnel runs
    static final String ROLE = "arn:aws:iam::000000000000:role/runnel";

    abstract static class Base implements Callable<Integer> {
        @Option(names = "--endpoint", description = "The Runnel server (default http://127.0.0.1:4567).", defaultValue = "http://127.0.0.1:4567")
        URI endpoint;
        @Option(names = "--timeout", description = "How long to wait for the application to get where it is going, in seconds (default 300).",
                defaultValue = "300")
        long timeoutSeconds;

        ApiClient api() {
            return new ApiClient(endpoint);
        }

        @Override
        public Integer call() throws Exception {
            try {
                return run(api());
            } catch (ApiClient.ApiError | IllegalStateException e) {
                System.err.println("runnel app: " + e.getMessage());
                return 1;
            }
        }

        abstract int run(ApiClient api) throws Exception;

        static ObjectNode named(String name) {
            return ApiClient.object().put("ApplicationName", name);
        }

        JsonNode describe(ApiClient api, String name) {
            return api.analytics("DescribeApplication", named(name)).path("ApplicationDetail");
        }

        /** Waits until the operation ends; prints how it went and returns 0 when it succeeded. */
        int await(ApiClient api, String name, String operationId, String goal) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            while (System.nanoTime() < deadline) {
                JsonNode operation = api.analytics("DescribeApplicationOperation", named(name).put("OperationId", operationId))
                        .path("ApplicationOperationInfoDetails");
                String status = operation.path("OperationStatus").asText();
                if (status.equals("SUCCESSFUL")) {
                    System.out.println(name + ": " + describe(api, name).path("ApplicationStatus").asText());
                    return 0;
                }
                if (!status.equals("IN_PROGRESS")) {
                    System.err.println(name + ": " + operation.path("Operation").asText() + " " + status + ": "
                            + operation.path("OperationFailureDetails").path("ErrorInfo").path("ErrorString").asText("(no reason given)"));
                    return 1;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
            }
            System.err.println(name + ": not " + goal + " after " + timeoutSeconds + " s; it is "
                    + describe(api, name).path("ApplicationStatus").asText());
            return 1;
        }
    }

    @Command(name = "deploy", mixinStandardHelpOptions = true, description = "Create (or update) an application from a jar or a .sql "
            + "file and start it. A jar is uploaded to the server's S3 endpoint; a .sql file is a script of Flink SQL statements "
            + "ending in INSERTs, run as one job.")
    static final class Deploy extends Base {
        @Parameters(index = "0", description = "FILE.jar or FILE.sql")
        Path file;
        @Option(names = "--name", description = "The application's name (default: the file's name without extension).")
        String name;
        @Option(names = "--property", description = "group.key=value: a property of a property group (repeatable).")
        List<String> properties = List.of();
        @Option(names = "--parallelism", description = "The job's parallelism (default 1).")
        Integer parallelism;
        @Option(names = "--checkpoint-interval", description = "Milliseconds between checkpoints (default 60000).")
        Long checkpointInterval;

        @Override
        int run(ApiClient api) throws Exception {
            if (!Files.isRegularFile(file)) {
                throw new IllegalStateException(file + " is not a file");
            }
            String fileName = file.getFileName().toString();
            boolean sql = fileName.endsWith(".sql");
            if (!sql && !fileName.endsWith(".jar")) {
                throw new IllegalStateException("deploy takes a .jar or a .sql file, not " + fileName);
            }
            String app = name != null ? name : fileName.substring(0, fileName.lastIndexOf('.')).replaceAll("[^a-zA-Z0-9_.-]", "-");
            ObjectNode code;
            if (sql) {
                code = ApiClient.object().put("CodeContentType", "PLAINTEXT");
                code.putObject("CodeContent").put("TextContent", Files.readString(file));
            } else {
                String key = app + "/" + fileName;
                upload(api, key);
                code = ApiClient.object().put("CodeContentType", "ZIPFILE");
                code.putObject("CodeContent").putObject("S3ContentLocation").put("BucketARN", "arn:aws:s3:::" + BUCKET).put("FileKey", key);
            }
            JsonNode existing;
            try {
                existing = describe(api, app);
            } catch (ApiClient.ApiError e) {
                if (!e.type.equals("ResourceNotFoundException")) {
                    throw e;
                }
                existing = null;
            }
            if (existing == null) {
                ObjectNode create = named(app).put("RuntimeEnvironment", RUNTIME).put("ServiceExecutionRole", ROLE);
                ObjectNode configuration = create.putObject("ApplicationConfiguration");
                configuration.set("ApplicationCodeConfiguration", code);
                configuration.set("EnvironmentProperties", propertyGroups("PropertyGroups"));
                flinkConfiguration(configuration.putObject("FlinkApplicationConfiguration"), "");
                api.analytics("CreateApplication", create);
                System.out.println(app + ": created");
            } else {
                ObjectNode update = named(app).put("CurrentApplicationVersionId", existing.path("ApplicationVersionId").asLong());
                ObjectNode configuration = update.putObject("ApplicationConfigurationUpdate");
                ObjectNode codeUpdate = configuration.putObject("ApplicationCodeConfigurationUpdate")
                        .put("CodeContentTypeUpdate", code.path("CodeContentType").asText());
                JsonNode content = code.path("CodeContent");
                ObjectNode contentUpdate = codeUpdate.putObject("CodeContentUpdate");
                if (content.has("TextContent")) {
                    contentUpdate.put("TextContentUpdate", content.path("TextContent").asText());
                } else {
                    JsonNode s3 = content.path("S3ContentLocation");
                    contentUpdate.putObject("S3ContentLocationUpdate").put("BucketARNUpdate", s3.path("BucketARN").asText())
                            .put("FileKeyUpdate", s3.path("FileKey").asText());
                }
                if (!properties.isEmpty()) {
                    configuration.set("EnvironmentPropertyUpdates", propertyGroups("PropertyGroups"));
                }
                flinkConfiguration(configuration.putObject("FlinkApplicationConfigurationUpdate"), "Update");
                JsonNode updated = api.analytics("UpdateApplication", update);
                System.out.println(app + ": updated to version " + updated.path("ApplicationDetail").path("ApplicationVersionId").asLong());
                if (existing.path("ApplicationStatus").asText().equals("RUNNING")) {
                    return await(api, app, updated.path("OperationId").asText(), "RUNNING");
                }
            }
            String operation = api.analytics("StartApplication", named(app)).path("OperationId").asText();
            return await(api, app, operation, "RUNNING");
        }

        private void flinkConfiguration(ObjectNode flink, String suffix) {
            if (checkpointInterval != null) {
                flink.putObject("CheckpointConfiguration" + suffix).put("ConfigurationType" + suffix, "CUSTOM")
                        .put("CheckpointingEnabled" + suffix, true).put("CheckpointInterval" + suffix, checkpointInterval)
                        .put("MinPauseBetweenCheckpoints" + suffix, Math.min(5000, checkpointInterval / 2));
            }
            if (parallelism != null) {
                flink.putObject("ParallelismConfiguration" + suffix).put("ConfigurationType" + suffix, "CUSTOM")
                        .put("Parallelism" + suffix, parallelism).put("ParallelismPerKPU" + suffix, 1)
                        .put("AutoScalingEnabled" + suffix, false);
            }
        }

        private ObjectNode propertyGroups(String member) {
            Map<String, Map<String, String>> groups = new LinkedHashMap<>();
            for (String property : properties) {
                int dot = property.indexOf('.');
                int eq = property.indexOf('=');
                if (dot <= 0 || eq < dot + 2) {
                    throw new IllegalStateException("--property takes group.key=value, not " + property);
                }
                groups.computeIfAbsent(property.substring(0, dot), g -> new LinkedHashMap<>())
                        .put(property.substring(dot + 1, eq), property.substring(eq + 1));
            }
            ObjectNode environment = ApiClient.object();
            ArrayNode list = environment.putArray(member);
            groups.forEach((group, map) -> {
                ObjectNode g = list.addObject().put("PropertyGroupId", group);
                ObjectNode m = g.putObject("PropertyMap");
                map.forEach(m::put);
            });
            return environment;
        }

        /** Uploads the jar to the S3 endpoint the server names. */
        private void upload(ApiClient api, String key) {
            URI s3Endpoint = URI.create(api.runnel("DescribeEndpoints", ApiClient.object()).path("S3Endpoint").asText());
            try (S3Client s3 = S3Client.builder().endpointOverride(s3Endpoint).region(Region.of(api.region))
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                            api.credentials.accessKeyId(), api.credentials.secretAccessKey())))
                    .forcePathStyle(true)
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                    .httpClientBuilder(ApacheHttpClient.builder()).build()) {
                try {
                    s3.headBucket(b -> b.bucket(BUCKET));
                } catch (NoSuchBucketException e) {
                    s3.createBucket(b -> b.bucket(BUCKET));
                }
                s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromFile(file));
            }
            System.out.println(file.getFileName() + ": uploaded to s3://" + BUCKET + "/" + key + " at " + s3Endpoint);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the applications.")
    static final class ListApps extends Base {
        @Override
        int run(ApiClient api) {
            String token = null;
            System.out.printf("%-32s %-14s %8s  %s%n", "NAME", "STATUS", "VERSION", "RUNTIME");
            do {
                ObjectNode request = ApiClient.object();
                if (token != null) {
                    request.put("NextToken", token);
                }
                JsonNode page = api.analytics("ListApplications", request);
                for (JsonNode app : page.path("ApplicationSummaries")) {
                    System.out.printf("%-32s %-14s %8d  %s%n", app.path("ApplicationName").asText(), app.path("ApplicationStatus").asText(),
                            app.path("ApplicationVersionId").asLong(), app.path("RuntimeEnvironment").asText());
                }
                token = page.path("NextToken").asText(null);
            } while (token != null);
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Show an application: status, job, snapshots, last operation.")
    static final class Status extends Base {
        @Parameters(index = "0", description = "The application's name.")
        String name;

        @Override
        int run(ApiClient api) {
            JsonNode app = describe(api, name);
            System.out.println(name + ": " + app.path("ApplicationStatus").asText() + ", version " + app.path("ApplicationVersionId").asLong());
            if (app.hasNonNull("RunnelFlinkJobId")) {
                System.out.println("  Flink job: " + app.path("RunnelFlinkJobId").asText());
            }
            if (app.hasNonNull("RunnelFailure")) {
                System.out.println("  failed:    " + app.path("RunnelFailure").asText());
            }
            JsonNode operations = api.analytics("ListApplicationOperations", named(name).put("Limit", 1)).path("ApplicationOperationInfoList");
            for (JsonNode operation : operations) {
                System.out.println("  last operation: " + operation.path("Operation").asText() + " " + operation.path("OperationStatus").asText());
            }
            for (JsonNode snapshot : api.analytics("ListApplicationSnapshots", named(name)).path("SnapshotSummaries")) {
                System.out.println("  snapshot " + snapshot.path("SnapshotName").asText() + ": " + snapshot.path("SnapshotStatus").asText());
            }
            return 0;
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true, description = "Start an application, by default from its latest snapshot.")
    static final class Start extends Base {
        @Parameters(index = "0", description = "The application's name.")
        String name;
        @Option(names = "--snapshot", description = "Start from this snapshot.")
        String snapshot;
        @Option(names = "--fresh", description = "Start without restoring any snapshot.")
        boolean fresh;

        @Override
        int run(ApiClient api) {
            ObjectNode request = named(name);
            if (snapshot != null || fresh) {
                ObjectNode restore = request.putObject("RunConfiguration").putObject("ApplicationRestoreConfiguration")
                        .put("ApplicationRestoreType", fresh ? "SKIP_RESTORE_FROM_SNAPSHOT" : "RESTORE_FROM_CUSTOM_SNAPSHOT");
                if (snapshot != null) {
                    restore.put("SnapshotName", snapshot);
                }
            }
            return await(api, name, api.analytics("StartApplication", request).path("OperationId").asText(), "RUNNING");
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop an application, with a snapshot unless --force.")
    static final class Stop extends Base {
        @Parameters(index = "0", description = "The application's name.")
        String name;
        @Option(names = "--force", description = "Cancel its job without a snapshot.")
        boolean force;

        @Override
        int run(ApiClient api) {
            return await(api, name, api.analytics("StopApplication", named(name).put("Force", force)).path("OperationId").asText(), "READY");
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete an application (its job is stopped first).")
    static final class Delete extends Base {
        @Parameters(index = "0", description = "The application's name.")
        String name;

        @Override
        int run(ApiClient api) {
            JsonNode app = describe(api, name);
            api.analytics("DeleteApplication", named(name).put("CreateTimestamp", app.path("CreateTimestamp").decimalValue()));
            long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
            while (System.nanoTime() < deadline) {
                try {
                    describe(api, name);
                } catch (ApiClient.ApiError e) {
                    if (e.type.equals("ResourceNotFoundException")) {
                        System.out.println(name + ": deleted");
                        return 0;
                    }
                    throw e;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
            }
            System.err.println(name + ": still being deleted after " + timeoutSeconds + " s");
            return 1;
        }
    }
}
