package io.runnel.server.api.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.applications.Application;
import io.runnel.server.http.ApiException;
import io.runnel.server.http.WireFormat;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** How a start, stop or update went; a failed one carries Flink's message as ErrorString. */
final class DescribeApplicationOperationAction implements AnalyticsAction {

    @Override
    public List<Member> input() {
        return List.of(AnalyticsMembers.applicationName(), Member.string("OperationId").required().length(1, 64));
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Analytics analytics) {
        Application app = analytics.require(request.string("ApplicationName"));
        Application.Operation operation = app.operation(request.string("OperationId"));
        if (operation == null) {
            throw ApiException.resourceNotFound("Operation " + request.string("OperationId") + " of application " + app.name()
                    + " does not exist.");
        }
        ObjectNode info = Analytics.object().put("Operation", operation.type());
        info.set("StartTime", WireFormat.timestamp(operation.startedAt()));
        // EndTime is required in this shape; an operation under way reports now.
        info.set("EndTime", WireFormat.timestamp(operation.endedAt() == null ? System.currentTimeMillis() : operation.endedAt()));
        info.put("OperationStatus", operation.status());
        if (operation.versionFrom() != null) {
            info.putObject("ApplicationVersionChangeDetails").put("ApplicationVersionUpdatedFrom", operation.versionFrom())
                    .put("ApplicationVersionUpdatedTo", operation.versionTo());
        }
        if (operation.error() != null) {
            info.putObject("OperationFailureDetails").putObject("ErrorInfo").put("ErrorString", operation.error());
        }
        return Analytics.done(Analytics.object().set("ApplicationOperationInfoDetails", info));
    }
}
