package io.runnel.server.api.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.applications.Application;

import java.util.List;
import java.util.concurrent.CompletableFuture;

final class DescribeApplicationSnapshotAction implements AnalyticsAction {

    @Override
    public List<Member> input() {
        return List.of(AnalyticsMembers.applicationName(), AnalyticsMembers.snapshotName());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Analytics analytics) {
        Application app = analytics.require(request.string("ApplicationName"));
        Application.Snapshot snapshot = app.snapshot(request.string("SnapshotName"));
        if (snapshot == null) {
            throw Analytics.snapshotNotFound(app, request.string("SnapshotName"));
        }
        return Analytics.done(Analytics.object().set("SnapshotDetails", Analytics.snapshotDetails(snapshot)));
    }
}
