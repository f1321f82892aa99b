package io.runnel.server.api.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.applications.Application;
import io.runnel.server.applications.ApplicationStatus;
import io.runnel.server.http.ApiException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A savepoint of a running application's job, taken while it keeps running: the snapshot is CREATING, then READY. */
final class CreateApplicationSnapshotAction implements AnalyticsAction {

    /** Managed Flink keeps at most this many snapshots per application. */
    static final int MAX_SNAPSHOTS = 1000;

    @Override
    public List<Member> input() {
        return List.of(AnalyticsMembers.applicationName(), AnalyticsMembers.snapshotName());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Analytics analytics) {
        String name = request.string("ApplicationName");
        String snapshot = request.string("SnapshotName");
        return analytics.applications.change(() -> {
            Application app = analytics.require(name);
            analytics.requireRuntime("CreateApplicationSnapshot");
            if (!app.snapshotsEnabled()) {
                throw new ApiException("InvalidRequestException", 400, "Snapshots are not enabled for application " + name + ".");
            }
            if (app.status() != ApplicationStatus.RUNNING || app.job() == null) {
                throw ApiException.resourceInUse("Application " + name + " is in " + app.status() + " status; snapshots can be created "
                        + "only while it is RUNNING.");
            }
            if (app.snapshot(snapshot) != null) {
                throw ApiException.resourceInUse("Snapshot " + snapshot + " of application " + name + " already exists.");
            }
            if (app.job().snapshotName() != null) {
                throw ApiException.resourceInUse("Snapshot " + app.job().snapshotName() + " of application " + name
                        + " is being created; create another once it is READY.");
            }
            if (app.snapshots().size() >= MAX_SNAPSHOTS) {
                throw ApiException.limitExceeded("Application " + name + " has " + MAX_SNAPSHOTS
                        + " snapshots, the most it can have; delete one first.");
            }
            long now = System.currentTimeMillis();
            List<Application.Snapshot> snapshots = new ArrayList<>(app.snapshots());
            snapshots.add(new Application.Snapshot(snapshot, "CREATING", app.version(), now, null, app.runtime()));
            analytics.applications.save(app.withSnapshots(snapshots).withJob(app.job().withSnapshot(snapshot, null)));
            return (JsonNode) Analytics.object();
        });
    }
}
