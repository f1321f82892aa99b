package io.runnel.server.api.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.applications.Application;
import io.runnel.server.applications.ApplicationStatus;
import io.runnel.server.http.ApiException;

import java.util.List;
import java.util.concurrent.CompletableFuture;


/**
 * Makes a new version of an application's configuration. A READY application simply has it; a RUNNING one
 * is UPDATING until its job has stopped with a snapshot and the new version's job runs from it.
 */
final class UpdateApplicationAction implements AnalyticsAction {

    @Override
    public List<Member> input() {
        return List.of(
                AnalyticsMembers.applicationName(),
                AnalyticsMembers.versionId("CurrentApplicationVersionId"),
                AnalyticsMembers.applicationConfigurationUpdate(),
                AnalyticsMembers.roleArn("ServiceExecutionRoleUpdate"),
                AnalyticsMembers.runConfiguration("RunConfigurationUpdate"),
                Member.list("CloudWatchLoggingOptionUpdates", Member.structure("member",
                        Member.string("CloudWatchLoggingOptionId").required().length(1, 50).pattern(AnalyticsMembers.NAME_PATTERN),
                        Member.string("LogStreamARNUpdate").length(1, 2048).pattern(AnalyticsMembers.ARN_PATTERN))),
                Member.string("ConditionalToken").length(1, 512).pattern("[a-zA-Z0-9-_+/=]+"),
                AnalyticsMembers.runtime("RuntimeEnvironmentUpdate"));
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Analytics analytics) {
        String name = request.string("ApplicationName");
        Long expectedVersion = request.has("CurrentApplicationVersionId") ? request.body().get("CurrentApplicationVersionId").asLong() : null;
        String token = request.string("ConditionalToken");
        if (expectedVersion == null && token == null) {
            throw ApiException.invalidArgument("Either CurrentApplicationVersionId or ConditionalToken must be provided.");
        }
        String runtimeUpdate = request.string("RuntimeEnvironmentUpdate");
        if (runtimeUpdate != null && !runtimeUpdate.startsWith("FLINK-")) {
            throw ApiException.invalidArgument("RuntimeEnvironment " + runtimeUpdate + " is not supported: Runnel runs Apache "
                    + "Flink applications.");
        }
        JsonNode update = request.node("ApplicationConfigurationUpdate");
        JsonNode codeUpdate = update == null ? null : update.get("ApplicationCodeConfigurationUpdate");
        Application current = analytics.require(name);
        CompletableFuture<Application.Code> code;
        if (codeUpdate == null || !codeUpdate.has("CodeContentUpdate")) {
            code = CompletableFuture.completedFuture(current.code());
        } else {
            JsonNode content = codeUpdate.get("CodeContentUpdate");
            String type = codeUpdate.hasNonNull("CodeContentTypeUpdate") ? codeUpdate.get("CodeContentTypeUpdate").asText() : current.code().type();
            code = analytics.storeCode(name, type, renamed(content, current.code()));
        }
        return code.thenCompose(newCode -> analytics.applications.change(() -> {
            Application app = analytics.require(name);
            if (expectedVersion != null && expectedVersion != app.version()
                    || token != null && !token.equals(Analytics.conditionalToken(app))) {
                throw new ApiException("ConcurrentModificationException", 400, "Application " + name + " is at version "
                        + app.version() + (expectedVersion != null ? "; the request gave CurrentApplicationVersionId " + expectedVersion
                        : "; the request's ConditionalToken is not the current one") + ".");
            }
            if (app.status() == ApplicationStatus.RUNNING) {
                analytics.requireRuntime("Updating a running application");
            }
            if (app.status() != ApplicationStatus.READY && app.status() != ApplicationStatus.RUNNING) {
                throw ApiException.resourceInUse("Application " + name + " is in " + app.status() + " status; it can be updated only when "
                        + "it is READY or RUNNING.");
            }
            JsonNode flink = update == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance()
                    : update.path("FlinkApplicationConfigurationUpdate");
            JsonNode c = flink.path("CheckpointConfigurationUpdate");
            JsonNode p = flink.path("ParallelismConfigurationUpdate");
            JsonNode m = flink.path("MonitoringConfigurationUpdate");
            JsonNode groups = update == null ? null : update.path("EnvironmentPropertyUpdates").get("PropertyGroups");
            JsonNode snapshots = update == null ? null : update.path("ApplicationSnapshotConfigurationUpdate").get("SnapshotsEnabledUpdate");
            JsonNode rollback = update == null ? null : update.path("ApplicationSystemRollbackConfigurationUpdate").get("RollbackEnabledUpdate");
            long now = System.currentTimeMillis();
            Application updated = app.updated(app.description(), runtimeUpdate == null ? app.runtime() : runtimeUpdate,
                    request.has("ServiceExecutionRoleUpdate") ? request.string("ServiceExecutionRoleUpdate") : app.role(), newCode,
                    groups == null ? app.propertyGroups() : Analytics.propertyGroups(groups),
                    c.isMissingNode() ? app.checkpointing() : Analytics.checkpointing(Analytics.text(c, "ConfigurationTypeUpdate"),
                            Analytics.bool(c, "CheckpointingEnabledUpdate"), Analytics.number(c, "CheckpointIntervalUpdate"),
                            Analytics.number(c, "MinPauseBetweenCheckpointsUpdate"), app.checkpointing()),
                    p.isMissingNode() ? app.parallelism() : Analytics.parallelism(Analytics.text(p, "ConfigurationTypeUpdate"),
                            Analytics.integer(p, "ParallelismUpdate"), Analytics.integer(p, "ParallelismPerKPUUpdate"), Analytics.bool(p, "AutoScalingEnabledUpdate"),
                            app.parallelism()),
                    m.isMissingNode() ? app.monitoring() : Analytics.monitoring(Analytics.text(m, "ConfigurationTypeUpdate"),
                            Analytics.text(m, "MetricsLevelUpdate"), Analytics.text(m, "LogLevelUpdate"), app.monitoring()),
                    snapshots == null ? app.snapshotsEnabled() : snapshots.asBoolean(),
                    rollback == null ? app.rollbackEnabled() : rollback.asBoolean(), now)
                    .withRun(Analytics.runSettings(request.node("RunConfigurationUpdate"), app.run()));
            Application saved;
            if (app.status() == ApplicationStatus.RUNNING) {
                saved = Analytics.withNewOperation(updated.withStatus(ApplicationStatus.UPDATING, now), "UpdateApplication", now,
                        app.version(), updated.version());
            } else {
                saved = Analytics.withNewOperation(updated.withoutPrevious(), "UpdateApplication", now, app.version(), updated.version())
                        .endingOperation("SUCCESSFUL", null, now);
            }
            analytics.applications.save(saved);
            String operationId = saved.operations().get(0).id();
            return (JsonNode) Analytics.object().<com.fasterxml.jackson.databind.node.ObjectNode>set("ApplicationDetail", analytics.detail(saved))
                    .put("OperationId", operationId);
        }));
    }

    /** CodeContentUpdate's members under the names of CodeContent's, so one reading serves both. */
    private static JsonNode renamed(JsonNode update, Application.Code current) {
        var content = Analytics.object();
        if (update.hasNonNull("TextContentUpdate")) {
            content.set("TextContent", update.get("TextContentUpdate"));
        }
        if (update.hasNonNull("ZipFileContentUpdate")) {
            content.set("ZipFileContent", update.get("ZipFileContentUpdate"));
        }
        JsonNode s3 = update.get("S3ContentLocationUpdate");
        if (s3 != null) {
            content.putObject("S3ContentLocation")
                    .put("BucketARN", s3.hasNonNull("BucketARNUpdate") ? s3.get("BucketARNUpdate").asText() : current.bucketArn())
                    .put("FileKey", s3.hasNonNull("FileKeyUpdate") ? s3.get("FileKeyUpdate").asText() : current.fileKey());
            if (s3.hasNonNull("ObjectVersionUpdate")) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) content.get("S3ContentLocation")).put("ObjectVersion", s3.get("ObjectVersionUpdate").asText());
            }
        }
        return content;
    }
}
