package io.runnel.server.api.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.applications.Application;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Applications in name order, {@code Limit} (default 50) at a time; the NextToken is the next name. */
final class ListApplicationsAction implements AnalyticsAction {

    @Override
    public List<Member> input() {
        return List.of(Member.integer("Limit").range(1, 50),
                Member.string("NextToken").length(1, 128).pattern(AnalyticsMembers.NAME_PATTERN));
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Analytics analytics) {
        int limit = request.integer("Limit", 50);
        String from = request.string("NextToken");
        List<Application> apps = analytics.applications.all().stream()
                .filter(a -> from == null || a.name().compareTo(from) >= 0).toList();
        ObjectNode response = Analytics.object();
        ArrayNode summaries = response.putArray("ApplicationSummaries");
        apps.stream().limit(limit).forEach(a -> summaries.add(analytics.summary(a)));
        if (apps.size() > limit) {
            response.put("NextToken", apps.get(limit).name());
        }
        return Analytics.done(response);
    }
}
