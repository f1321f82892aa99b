package io.runnel.server.api.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.applications.Application;
import io.runnel.server.applications.ApplicationStatus;
import io.runnel.server.http.ApiException;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

final class CreateApplicationAction implements AnalyticsAction {

    @Override
    public List<Member> input() {
        return List.of(
                AnalyticsMembers.applicationName(),
                Member.string("ApplicationDescription").length(0, 1024),
                AnalyticsMembers.runtime("RuntimeEnvironment").required(),
                AnalyticsMembers.roleArn("ServiceExecutionRole").required(),
                AnalyticsMembers.applicationConfiguration(),
                Member.list("CloudWatchLoggingOptions", Member.structure("member",
                        Member.string("LogStreamARN").required().length(1, 2048).pattern(AnalyticsMembers.ARN_PATTERN))),
                AnalyticsMembers.tags(),
                Member.string("ApplicationMode").oneOf("STREAMING", "INTERACTIVE"));
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Analytics analytics) {
        String name = request.string("ApplicationName");
        String runtime = request.string("RuntimeEnvironment");
        if (!runtime.startsWith("FLINK-")) {
            throw ApiException.invalidArgument("RuntimeEnvironment " + runtime + " is not supported: Runnel runs Apache Flink "
                    + "applications (FLINK-1_6 to FLINK-2_3, all run on Flink 2.3).");
        }
        if ("INTERACTIVE".equals(request.string("ApplicationMode"))) {
            throw ApiException.invalidArgument("ApplicationMode INTERACTIVE (Studio notebooks) is not supported; "
                    + "use ./runnel sql for interactive SQL.");
        }
        Map<String, String> tags = Analytics.tags(request.node("Tags"));
        if (tags.size() > Analytics.MAX_TAGS) {
            throw new ApiException("TooManyTagsException", 400, "The maximum number of user-defined application tags is "
                    + Analytics.MAX_TAGS + ".");
        }
        JsonNode configuration = request.node("ApplicationConfiguration");
        JsonNode codeConfiguration = configuration == null ? null : configuration.get("ApplicationCodeConfiguration");
        if (codeConfiguration == null) {
            throw ApiException.invalidArgument("ApplicationConfiguration.ApplicationCodeConfiguration is required for an "
                    + "application of runtime " + runtime + ".");
        }
        JsonNode flink = configuration.path("FlinkApplicationConfiguration");
        JsonNode checkpoint = flink.path("CheckpointConfiguration");
        JsonNode parallelism = flink.path("ParallelismConfiguration");
        JsonNode monitoring = flink.path("MonitoringConfiguration");
        Application.Checkpointing checkpointing = checkpoint.isMissingNode() ? Application.Checkpointing.DEFAULT
                : Analytics.checkpointing(checkpoint.path("ConfigurationType").asText(), Analytics.bool(checkpoint, "CheckpointingEnabled"),
                Analytics.number(checkpoint, "CheckpointInterval"), Analytics.number(checkpoint, "MinPauseBetweenCheckpoints"), Application.Checkpointing.DEFAULT);
        Application.Parallelism parallel = parallelism.isMissingNode() ? Application.Parallelism.DEFAULT
                : Analytics.parallelism(parallelism.path("ConfigurationType").asText(), Analytics.integer(parallelism, "Parallelism"),
                Analytics.integer(parallelism, "ParallelismPerKPU"), Analytics.bool(parallelism, "AutoScalingEnabled"), Application.Parallelism.DEFAULT);
        Application.Monitoring monitor = monitoring.isMissingNode() ? Application.Monitoring.DEFAULT
                : Analytics.monitoring(monitoring.path("ConfigurationType").asText(), Analytics.text(monitoring, "MetricsLevel"),
                Analytics.text(monitoring, "LogLevel"), Application.Monitoring.DEFAULT);
        List<Application.PropertyGroup> groups = Analytics.propertyGroups(configuration.path("EnvironmentProperties").get("PropertyGroups"));
        boolean snapshots = configuration.path("ApplicationSnapshotConfiguration").path("SnapshotsEnabled").asBoolean(true);
        boolean rollback = configuration.path("ApplicationSystemRollbackConfiguration").path("RollbackEnabled").asBoolean(false);
        String description = request.string("ApplicationDescription");
        String role = request.string("ServiceExecutionRole");
        if (analytics.applications.find(name).isPresent()) {
            throw ApiException.resourceInUse("Application " + name + " already exists.");
        }
        return analytics.storeCode(name, codeConfiguration.path("CodeContentType").asText(), codeConfiguration.get("CodeContent"))
                .thenCompose(code -> analytics.applications.change(() -> {
                    if (analytics.applications.find(name).isPresent()) {
                        throw ApiException.resourceInUse("Application " + name + " already exists.");
                    }
                    long now = System.currentTimeMillis();
                    Application app = new Application(name, description, runtime, role, ApplicationStatus.READY, now, 1, null, now, now,
                            "STREAMING", code, groups, checkpointing, parallel, monitor, snapshots, rollback, tags,
                            Application.RunSettings.DEFAULT, null, List.of(), List.of(), null, null);
                    analytics.applications.save(app);
                    return (JsonNode) Analytics.object().set("ApplicationDetail", analytics.detail(app));
                }));
    }
}
