package io.runnel.server.api.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.http.ApiException;
import io.runnel.server.applications.Application;
import io.runnel.server.applications.ApplicationStatus;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Starts an application's job, from the snapshot its run configuration names; the control loop does the starting. */
final class StartApplicationAction implements AnalyticsAction {

    @Override
    public List<Member> input() {
        return List.of(AnalyticsMembers.applicationName(), AnalyticsMembers.runConfiguration("RunConfiguration"));
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Analytics analytics) {
        String name = request.string("ApplicationName");
        return analytics.applications.change(() -> {
            Application app = analytics.require(name);
            if (app.status() != ApplicationStatus.READY) {
                throw ApiException.resourceInUse("Application " + name + " is in " + app.status() + " status; it can be started only when "
                        + "it is READY.");
            }
            analytics.requireRuntime("StartApplication");
            Application.RunSettings run = Analytics.runSettings(request.node("RunConfiguration"), app.run());
            analytics.checkRestore(app, run);
            long now = System.currentTimeMillis();
            Application starting = Analytics.withNewOperation(app.withRun(run).withStatus(ApplicationStatus.STARTING, now),
                    "StartApplication", now, null, null);
            analytics.applications.save(starting);
            return (JsonNode) Analytics.object().put("OperationId", starting.pendingOperation().id());
        });
    }
}
