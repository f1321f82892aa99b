package io.runnel.server.api.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.RunnelConfig;
import io.runnel.server.api.ApiService;
import io.runnel.server.api.Request;
import io.runnel.server.applications.Application;
import io.runnel.server.applications.ApplicationStatus;
import io.runnel.server.applications.Applications;
import io.runnel.server.http.ApiException;
import io.runnel.server.http.WireFormat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

import static java.util.Map.entry;

/**
 * The Managed Service for Apache Flink API ({@code KinesisAnalytics_20180523}, the API of
 * {@code aws kinesisanalyticsv2}): its operations and what they share.
 */
public final class Analytics {

    public static final String SERVICE = "KinesisAnalytics_20180523";
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final int MAX_TAGS = 50;

    private static final Map<String, AnalyticsAction> ACTIONS = Map.ofEntries(
            entry("CreateApplication", new CreateApplicationAction()),
            entry("CreateApplicationSnapshot", new CreateApplicationSnapshotAction()),
            entry("DeleteApplication", new DeleteApplicationAction()),
            entry("DeleteApplicationSnapshot", new DeleteApplicationSnapshotAction()),
            entry("DescribeApplication", new DescribeApplicationAction()),
            entry("DescribeApplicationOperation", new DescribeApplicationOperationAction()),
            entry("DescribeApplicationSnapshot", new DescribeApplicationSnapshotAction()),
            entry("ListApplicationOperations", new ListApplicationOperationsAction()),
            entry("ListApplications", new ListApplicationsAction()),
            entry("ListApplicationSnapshots", new ListApplicationSnapshotsAction()),
            entry("ListTagsForResource", new ListTagsForResourceAction()),
            entry("StartApplication", new StartApplicationAction()),
            entry("StopApplication", new StopApplicationAction()),
            entry("TagResource", new TagResourceAction()),
            entry("UntagResource", new UntagResourceAction()),
            entry("UpdateApplication", new UpdateApplicationAction()));

    final RunnelConfig config;
    final Applications applications;

    public Analytics(RunnelConfig config, Applications applications) {
        this.config = config;
        this.applications = applications;
    }

    public ApiService service() {
        return ApiService.of(SERVICE, ACTIONS, this);
    }

    static ObjectNode object() {
        return NODES.objectNode();
    }

    static CompletableFuture<JsonNode> done(JsonNode response) {
        return CompletableFuture.completedFuture(response);
    }

    ApiException notFound(String name) {
        return new ApiException("ResourceNotFoundException", 400, "Application " + name + " under account "
                + config.accountId + " not found.");
    }

    /** An application the caller may act on: one that exists and is not being deleted. */
    Application require(String name) {
        Application app = applications.find(name).orElseThrow(() -> notFound(name));
        if (app.status() == ApplicationStatus.DELETING) {
            throw notFound(name);
        }
        return app;
    }

    /** Refuses work that needs Flink when the server runs without it. */
    void requireRuntime(String operation) {
        if (!applications.hasRuntime()) {
            throw new ApiException("UnsupportedOperationException", 400, operation + " needs a Flink cluster, and this Runnel "
                    + "server was started with --flink none.");
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Reading configuration from requests

    /** The name of the application an ARN ({@code arn:aws:kinesisanalytics:region:account:application/name}) names. */
    String applicationOfArn(String arn) {
        String prefix = "arn:aws:kinesisanalytics:" + config.region + ":" + config.accountId + ":application/";
        if (!arn.startsWith(prefix)) {
            throw ApiException.invalidArgument("ResourceARN " + arn + " is not an application of account " + config.accountId
                    + " in " + config.region + ".");
        }
        return arn.substring(prefix.length());
    }

    // The members of a request structure, or null where it has none.

    static Boolean bool(JsonNode node, String member) {
        return node.hasNonNull(member) ? node.get(member).asBoolean() : null;
    }

    static Long number(JsonNode node, String member) {
        return node.hasNonNull(member) ? node.get(member).asLong() : null;
    }

    static Integer integer(JsonNode node, String member) {
        return node.hasNonNull(member) ? node.get(member).asInt() : null;
    }

    static String text(JsonNode node, String member) {
        return node.hasNonNull(member) ? node.get(member).asText() : null;
    }

    /** A NextToken this server handed out: how many items came before the next page. */
    static int offset(String token) {
        if (token == null) {
            return 0;
        }
        try {
            int offset = Integer.parseInt(token);
            if (offset >= 0) {
                return offset;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiException.invalidArgument("NextToken " + token + " is not one this service handed out.");
    }

    /** What Managed Flink answers for a snapshot it does not have: InvalidArgumentException, "does not exist". */
    static ApiException snapshotNotFound(Application app, String snapshot) {
        return ApiException.invalidArgument("Snapshot " + snapshot + " of application " + app.name() + " does not exist.");
    }

    static Map<String, String> tags(JsonNode list) {
        Map<String, String> tags = new TreeMap<>();
        if (list != null) {
            list.forEach(t -> tags.put(t.path("Key").asText(), t.path("Value").asText("")));
        }
        return tags;
    }

    static List<Application.PropertyGroup> propertyGroups(JsonNode groups) {
        List<Application.PropertyGroup> result = new ArrayList<>();
        if (groups != null) {
            for (JsonNode g : groups) {
                Map<String, String> map = new LinkedHashMap<>();
                g.path("PropertyMap").fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
                result.add(new Application.PropertyGroup(g.path("PropertyGroupId").asText(), map));
            }
        }
        return result;
    }

    /** DEFAULT means Managed Flink's values "even if they are set to other values". */
    static Application.Checkpointing checkpointing(String type, Boolean enabled, Long interval, Long minPause, Application.Checkpointing current) {
        if ("DEFAULT".equals(type)) {
            return Application.Checkpointing.DEFAULT;
        }
        return new Application.Checkpointing(type == null ? current.configurationType() : type,
                enabled == null ? current.enabled() : enabled,
                interval == null ? current.intervalMs() : interval,
                minPause == null ? current.minPauseMs() : minPause);
    }

    static Application.Parallelism parallelism(String type, Integer parallelism, Integer perKpu, Boolean autoScaling, Application.Parallelism current) {
        if ("DEFAULT".equals(type)) {
            return Application.Parallelism.DEFAULT;
        }
        return new Application.Parallelism(type == null ? current.configurationType() : type,
                parallelism == null ? current.parallelism() : parallelism,
                perKpu == null ? current.perKpu() : perKpu,
                autoScaling == null ? current.autoScaling() : autoScaling);
    }

    static Application.Monitoring monitoring(String type, String metrics, String log, Application.Monitoring current) {
        if ("DEFAULT".equals(type)) {
            return Application.Monitoring.DEFAULT;
        }
        return new Application.Monitoring(type == null ? current.configurationType() : type,
                metrics == null ? current.metricsLevel() : metrics, log == null ? current.logLevel() : log);
    }

    static Application.RunSettings runSettings(JsonNode run, Application.RunSettings current) {
        if (run == null) {
            return current;
        }
        JsonNode restore = run.get("ApplicationRestoreConfiguration");
        JsonNode flink = run.get("FlinkRunConfiguration");
        // AllowNonRestoredState "defaults to false ... even if it was previously set to true".
        boolean allowNonRestored = flink != null && flink.path("AllowNonRestoredState").asBoolean(false);
        return restore == null ? new Application.RunSettings(current.restoreType(), current.snapshotName(), allowNonRestored)
                : new Application.RunSettings(restore.path("ApplicationRestoreType").asText(),
                restore.hasNonNull("SnapshotName") ? restore.get("SnapshotName").asText() : null, allowNonRestored);
    }

    /** Checks a restore configuration against the application's snapshots, as StartApplication does. */
    void checkRestore(Application app, Application.RunSettings run) {
        if (!"RESTORE_FROM_CUSTOM_SNAPSHOT".equals(run.restoreType())) {
            return;
        }
        if (run.snapshotName() == null) {
            throw ApiException.invalidArgument("SnapshotName is required when ApplicationRestoreType is RESTORE_FROM_CUSTOM_SNAPSHOT.");
        }
        Application.Snapshot snapshot = app.snapshot(run.snapshotName());
        if (snapshot == null || !"READY".equals(snapshot.status())) {
            throw ApiException.invalidArgument("Snapshot " + run.snapshotName() + " of application " + app.name()
                    + " does not exist" + (snapshot == null ? "." : " in READY status."));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Describing applications

    ObjectNode detail(Application app) {
        ObjectNode d = object()
                .put("ApplicationARN", config.applicationArn(app.name()))
                .put("ApplicationName", app.name())
                .put("RuntimeEnvironment", app.runtime())
                .put("ApplicationStatus", app.status().name())
                .put("ApplicationVersionId", app.version());
        if (app.description() != null) {
            d.put("ApplicationDescription", app.description());
        }
        if (app.role() != null) {
            d.put("ServiceExecutionRole", app.role());
        }
        d.set("CreateTimestamp", WireFormat.timestamp(app.createdAt()));
        d.set("LastUpdateTimestamp", WireFormat.timestamp(app.updatedAt()));
        if (app.versionUpdatedFrom() != null) {
            d.put("ApplicationVersionUpdatedFrom", app.versionUpdatedFrom());
        }
        d.put("ApplicationMode", app.mode());
        d.put("ConditionalToken", conditionalToken(app));
        ObjectNode configuration = d.putObject("ApplicationConfigurationDescription");
        ObjectNode code = configuration.putObject("ApplicationCodeConfigurationDescription").put("CodeContentType", app.code().type());
        ObjectNode content = code.putObject("CodeContentDescription");
        if (app.code().isSql() || app.code().isRunnelJob()) {
            content.put("TextContent", app.code().text());
        } else {
            ObjectNode s3 = content.putObject("S3ApplicationCodeLocationDescription")
                    .put("BucketARN", app.code().bucketArn()).put("FileKey", app.code().fileKey());
            if (app.code().objectVersion() != null) {
                s3.put("ObjectVersion", app.code().objectVersion());
            }
        }
        ObjectNode run = configuration.putObject("RunConfigurationDescription");
        ObjectNode restore = run.putObject("ApplicationRestoreConfigurationDescription").put("ApplicationRestoreType", app.run().restoreType());
        if (app.run().snapshotName() != null) {
            restore.put("SnapshotName", app.run().snapshotName());
        }
        run.putObject("FlinkRunConfigurationDescription").put("AllowNonRestoredState", app.run().allowNonRestoredState());
        ObjectNode flink = configuration.putObject("FlinkApplicationConfigurationDescription");
        Application.Checkpointing c = app.checkpointing();
        flink.putObject("CheckpointConfigurationDescription").put("ConfigurationType", c.configurationType())
                .put("CheckpointingEnabled", c.enabled()).put("CheckpointInterval", c.intervalMs())
                .put("MinPauseBetweenCheckpoints", c.minPauseMs());
        Application.Monitoring m = app.monitoring();
        flink.putObject("MonitoringConfigurationDescription").put("ConfigurationType", m.configurationType())
                .put("MetricsLevel", m.metricsLevel()).put("LogLevel", m.logLevel());
        Application.Parallelism p = app.parallelism();
        flink.putObject("ParallelismConfigurationDescription").put("ConfigurationType", p.configurationType())
                .put("Parallelism", p.parallelism()).put("ParallelismPerKPU", p.perKpu())
                .put("CurrentParallelism", p.parallelism()).put("AutoScalingEnabled", p.autoScaling());
        ArrayNode groups = configuration.putObject("EnvironmentPropertyDescriptions").putArray("PropertyGroupDescriptions");
        for (Application.PropertyGroup g : app.propertyGroups()) {
            ObjectNode group = groups.addObject().put("PropertyGroupId", g.id());
            ObjectNode map = group.putObject("PropertyMap");
            g.properties().forEach(map::put);
        }
        configuration.putObject("ApplicationSnapshotConfigurationDescription").put("SnapshotsEnabled", app.snapshotsEnabled());
        configuration.putObject("ApplicationSystemRollbackConfigurationDescription").put("RollbackEnabled", app.rollbackEnabled());
        // Runnel's own: where the job runs and why it last failed. SDKs ignore members they do not know.
        if (app.job() != null) {
            d.put("RunnelFlinkJobId", app.job().id());
        }
        if (app.failure() != null) {
            d.put("RunnelFailure", app.failure());
        }
        return d;
    }

    /** The token UpdateApplication takes instead of CurrentApplicationVersionId: it changes with every version. */
    static String conditionalToken(Application app) {
        return "v" + app.version() + "-" + Long.toString(app.updatedAt(), 36);
    }

    ObjectNode summary(Application app) {
        return object().put("ApplicationName", app.name()).put("ApplicationARN", config.applicationArn(app.name()))
                .put("ApplicationStatus", app.status().name()).put("ApplicationVersionId", app.version())
                .put("RuntimeEnvironment", app.runtime()).put("ApplicationMode", app.mode());
    }

    static ObjectNode snapshotDetails(Application.Snapshot s) {
        ObjectNode d = object().put("SnapshotName", s.name()).put("SnapshotStatus", s.status())
                .put("ApplicationVersionId", s.version()).put("RuntimeEnvironment", s.runtime());
        d.set("SnapshotCreationTimestamp", WireFormat.timestamp(s.createdAt()));
        return d;
    }

    static ObjectNode operationInfo(Application.Operation o) {
        ObjectNode d = object().put("Operation", o.type()).put("OperationId", o.id()).put("OperationStatus", o.status());
        d.set("StartTime", WireFormat.timestamp(o.startedAt()));
        if (o.endedAt() != null) {
            d.set("EndTime", WireFormat.timestamp(o.endedAt()));
        }
        return d;
    }

    /** Starts an operation of the given type on the application (in memory; the caller saves). */
    static Application withNewOperation(Application app, String type, long now, Long versionFrom, Long versionTo) {
        return app.withNewOperation(type, now, versionFrom, versionTo);
    }

    /**
     * Checks that an application's code can be read: the S3 object exists. Runs on the I/O threads; the result
     * is the code as given, or, for ZipFileContent, as stored on the S3 endpoint.
     */
    CompletableFuture<Application.Code> storeCode(String application, String type, JsonNode content) {
        if (content == null) {
            throw ApiException.invalidArgument("ApplicationCodeConfiguration.CodeContent is required for an application of "
                    + "this runtime.");
        }
        if ("PLAINTEXT".equals(type)) {
            if (!content.hasNonNull("TextContent") || content.has("S3ContentLocation") || content.has("ZipFileContent")) {
                throw new ApiException("CodeValidationException", 400, "CodeContentType PLAINTEXT takes the application's SQL "
                        + "statements in TextContent, and nothing else.");
            }
            return CompletableFuture.completedFuture(new Application.Code("PLAINTEXT", content.get("TextContent").asText(), null, null, null));
        }
        if (content.hasNonNull("TextContent")) {
            throw new ApiException("CodeValidationException", 400, "CodeContentType ZIPFILE takes a jar in S3ContentLocation or "
                    + "ZipFileContent; TextContent is for CodeContentType PLAINTEXT.");
        }
        JsonNode s3 = content.get("S3ContentLocation");
        JsonNode zip = content.get("ZipFileContent");
        if ((s3 == null) == (zip == null)) {
            throw ApiException.invalidArgument("CodeContentType ZIPFILE takes exactly one of S3ContentLocation and ZipFileContent.");
        }
        if (zip != null) {
            String key = "applications/" + application + "/" + java.util.UUID.randomUUID() + ".jar";
            return CompletableFuture.supplyAsync(() -> {
                byte[] jar = Request.blob(zip); // up to 50 MiB of base64: not on the event loop
                applications.store().ensureBucket(io.runnel.server.flink.FlinkRuntime.BUCKET);
                applications.store().upload(io.runnel.server.flink.FlinkRuntime.BUCKET, key, jar);
                return new Application.Code("ZIPFILE", null, "arn:aws:s3:::" + io.runnel.server.flink.FlinkRuntime.BUCKET, key, null);
            }, applications.io());
        }
        String bucketArn = s3.path("BucketARN").asText();
        String fileKey = s3.path("FileKey").asText();
        String version = s3.hasNonNull("ObjectVersion") ? s3.get("ObjectVersion").asText() : null;
        if (!bucketArn.startsWith("arn:aws:s3:::") || bucketArn.length() == "arn:aws:s3:::".length()) {
            throw ApiException.invalidArgument("BucketARN " + bucketArn + " is not an S3 bucket ARN (arn:aws:s3:::bucket).");
        }
        Application.Code code = new Application.Code("ZIPFILE", null, bucketArn, fileKey, version);
        return CompletableFuture.supplyAsync(() -> {
            if (!applications.store().exists(code.bucket(), fileKey)) {
                throw ApiException.invalidArgument("The application code s3://" + code.bucket() + "/" + fileKey + " does not exist. "
                        + "Please check the role provided or validity of S3 location you provided.");
            }
            return code;
        }, applications.io());
    }
}
