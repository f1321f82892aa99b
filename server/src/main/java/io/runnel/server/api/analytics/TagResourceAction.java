package io.runnel.server.api.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.applications.Application;
import io.runnel.server.http.ApiException;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

final class TagResourceAction implements AnalyticsAction {

    @Override
    public List<Member> input() {
        return List.of(AnalyticsMembers.kinesisAnalyticsArn(), AnalyticsMembers.tags().required());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Analytics analytics) {
        String name = analytics.applicationOfArn(request.string("ResourceARN"));
        Map<String, String> added = Analytics.tags(request.node("Tags"));
        return analytics.applications.change(() -> {
            Application app = analytics.require(name);
            Map<String, String> tags = new TreeMap<>(app.tags());
            tags.putAll(added);
            if (tags.size() > Analytics.MAX_TAGS) {
                throw new ApiException("TooManyTagsException", 400, "The maximum number of user-defined application tags is "
                        + Analytics.MAX_TAGS + ".");
            }
            analytics.applications.save(app.withTags(tags));
            return (JsonNode) Analytics.object();
        });
    }
}
