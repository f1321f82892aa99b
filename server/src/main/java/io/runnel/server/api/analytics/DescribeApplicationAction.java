package io.runnel.server.api.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;

import java.util.List;
import java.util.concurrent.CompletableFuture;

final class DescribeApplicationAction implements AnalyticsAction {

    @Override
    public List<Member> input() {
        return List.of(AnalyticsMembers.applicationName(), Member.bool("IncludeAdditionalDetails"));
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Analytics analytics) {
        String name = request.string("ApplicationName");
        // A deleted application is still described, as DELETING, until it is gone.
        var app = analytics.applications.find(name).orElseThrow(() -> analytics.notFound(name));
        return Analytics.done(Analytics.object().set("ApplicationDetail", analytics.detail(app)));
    }
}
