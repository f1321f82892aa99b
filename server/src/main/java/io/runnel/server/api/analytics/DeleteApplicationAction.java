package io.runnel.server.api.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.applications.Application;
import io.runnel.server.firehose.DeliveryStreams;
import io.runnel.server.http.ApiException;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Deletes an application, stopping its job first if it has one (then it is DELETING until the job is gone).
 * CreateTimestamp must be the application's, to the second, as clients that keep it as RFC 3339 send it.
 */
final class DeleteApplicationAction implements AnalyticsAction {

    @Override
    public List<Member> input() {
        return List.of(AnalyticsMembers.applicationName(), Member.timestamp("CreateTimestamp").required());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Analytics analytics) {
        String name = request.string("ApplicationName");
        long createdAt = request.timestampMillis("CreateTimestamp");
        return analytics.applications.change(() -> {
            Application app = analytics.require(name);
            if (Math.floorDiv(createdAt, 1000) != Math.floorDiv(app.createdAt(), 1000)) {
                throw ApiException.invalidArgument("CreateTimestamp " + java.time.Instant.ofEpochMilli(createdAt)
                        + " is not the creation time of application " + name + ".");
            }
            if (app.code().isRunnelJob() && app.code().runnelJobLines().get(0).equals(DeliveryStreams.DELIVERY_JOB)) {
                // Deleting it would leave its delivery stream without a job, forever. A video analysis is its application.
                throw ApiException.resourceInUse("Application " + name + " is Runnel's own job for another service (" + app.description()
                        + "); it is deleted with that service's resource, such as by aws firehose delete-delivery-stream.");
            }
            analytics.applications.remove(app);
            return (JsonNode) Analytics.object();
        });
    }
}
