package io.runnel.server.api.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.http.ApiException;
import io.runnel.server.applications.Application;
import io.runnel.server.applications.ApplicationStatus;

import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Stops an application: with a snapshot (a savepoint, when snapshots are enabled) from RUNNING, or, with
 * Force, by cancelling its job from any running or transitional status.
 */
final class StopApplicationAction implements AnalyticsAction {

    private static final EnumSet<ApplicationStatus> FORCIBLE = EnumSet.of(ApplicationStatus.STARTING, ApplicationStatus.UPDATING,
            ApplicationStatus.STOPPING, ApplicationStatus.RUNNING);

    @Override
    public List<Member> input() {
        return List.of(AnalyticsMembers.applicationName(), Member.bool("Force"));
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Analytics analytics) {
        String name = request.string("ApplicationName");
        boolean force = request.has("Force") && request.body().get("Force").asBoolean();
        return analytics.applications.change(() -> {
            Application app = analytics.require(name);
            if (force ? !FORCIBLE.contains(app.status()) : app.status() != ApplicationStatus.RUNNING) {
                throw ApiException.resourceInUse("Application " + name + " is in " + app.status() + " status; it can be stopped only when "
                        + (force ? "it is STARTING, UPDATING, STOPPING or RUNNING." : "it is RUNNING, or with Force set to true."));
            }
            analytics.requireRuntime("StopApplication");
            long now = System.currentTimeMillis();
            ApplicationStatus next = force ? ApplicationStatus.FORCE_STOPPING : ApplicationStatus.STOPPING;
            Application ending = app.endingOperation("CANCELLED", null, now);
            Application stopping = Analytics.withNewOperation(ending.withStatus(next, now), "StopApplication", now, null, null);
            analytics.applications.save(stopping);
            return (JsonNode) Analytics.object().put("OperationId", stopping.pendingOperation().id());
        });
    }
}
