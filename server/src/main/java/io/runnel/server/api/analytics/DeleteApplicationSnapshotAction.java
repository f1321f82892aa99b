package io.runnel.server.api.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.applications.Application;
import io.runnel.server.http.ApiException;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Forgets a snapshot and removes its savepoint's files. SnapshotCreationTimestamp must be the snapshot's, to the second. */
final class DeleteApplicationSnapshotAction implements AnalyticsAction {

    @Override
    public List<Member> input() {
        return List.of(AnalyticsMembers.applicationName(), AnalyticsMembers.snapshotName(),
                Member.timestamp("SnapshotCreationTimestamp").required());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Analytics analytics) {
        String name = request.string("ApplicationName");
        String snapshotName = request.string("SnapshotName");
        long createdAt = request.timestampMillis("SnapshotCreationTimestamp");
        return analytics.applications.change(() -> {
            Application app = analytics.require(name);
            Application.Snapshot snapshot = app.snapshot(snapshotName);
            if (snapshot == null) {
                throw Analytics.snapshotNotFound(app, snapshotName);
            }
            if (Math.floorDiv(createdAt, 1000) != Math.floorDiv(snapshot.createdAt(), 1000)) {
                throw ApiException.invalidArgument("SnapshotCreationTimestamp " + java.time.Instant.ofEpochMilli(createdAt)
                        + " is not the creation time of snapshot " + snapshotName + ".");
            }
            if ("CREATING".equals(snapshot.status())) {
                throw ApiException.resourceInUse("Snapshot " + snapshotName + " of application " + name + " is being created.");
            }
            analytics.applications.save(app.withSnapshots(app.snapshots().stream().filter(s -> s != snapshot).toList()));
            analytics.applications.io().execute(() -> {
                try {
                    analytics.applications.deleteSavepoint(snapshot.location());
                } catch (RuntimeException e) {
                    LoggerFactory.getLogger(DeleteApplicationSnapshotAction.class)
                            .warn("could not remove the files of snapshot {} ({})", snapshotName, snapshot.location(), e);
                }
            });
            return (JsonNode) Analytics.object();
        });
    }
}
