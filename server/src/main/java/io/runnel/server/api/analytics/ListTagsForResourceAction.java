package io.runnel.server.api.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.applications.Application;

import java.util.List;
import java.util.concurrent.CompletableFuture;

final class ListTagsForResourceAction implements AnalyticsAction {

    @Override
    public List<Member> input() {
        return List.of(AnalyticsMembers.kinesisAnalyticsArn());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Analytics analytics) {
        Application app = analytics.require(analytics.applicationOfArn(request.string("ResourceARN")));
        ObjectNode response = Analytics.object();
        ArrayNode tags = response.putArray("Tags");
        app.tags().forEach((key, value) -> tags.addObject().put("Key", key).put("Value", value));
        return Analytics.done(response);
    }
}
