package io.runnel.server.api.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.applications.Application;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** An application's snapshots, oldest first, {@code Limit} (default 50) at a time. */
final class ListApplicationSnapshotsAction implements AnalyticsAction {

    @Override
    public List<Member> input() {
        return List.of(AnalyticsMembers.applicationName(), Member.integer("Limit").range(1, 50),
                Member.string("NextToken").length(1, 512));
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Analytics analytics) {
        Application app = analytics.require(request.string("ApplicationName"));
        int limit = request.integer("Limit", 50);
        int from = Analytics.offset(request.string("NextToken"));
        List<Application.Snapshot> snapshots = app.snapshots();
        ObjectNode response = Analytics.object();
        ArrayNode list = response.putArray("SnapshotSummaries");
        snapshots.stream().skip(from).limit(limit).forEach(s -> list.add(Analytics.snapshotDetails(s)));
        if (snapshots.size() > from + limit) {
            response.put("NextToken", Integer.toString(from + limit));
        }
        return Analytics.done(response);
    }
}
