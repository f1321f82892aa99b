package io.runnel.server.api.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.applications.Application;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

final class UntagResourceAction implements AnalyticsAction {

    @Override
    public List<Member> input() {
        return List.of(AnalyticsMembers.kinesisAnalyticsArn(),
                Member.list("TagKeys", Member.string("member").length(1, 128)).required().length(1, 200));
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Analytics analytics) {
        String name = analytics.applicationOfArn(request.string("ResourceARN"));
        List<String> keys = new java.util.ArrayList<>();
        request.node("TagKeys").forEach(k -> keys.add(k.asText()));
        return analytics.applications.change(() -> {
            Application app = analytics.require(name);
            Map<String, String> tags = new TreeMap<>(app.tags());
            keys.forEach(tags::remove);
            analytics.applications.save(app.withTags(tags));
            return (JsonNode) Analytics.object();
        });
    }
}
