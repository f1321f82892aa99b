package io.runnel.server.api.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.applications.Application;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** An application's recent operations, newest first, optionally of one type or status. */
final class ListApplicationOperationsAction implements AnalyticsAction {

    @Override
    public List<Member> input() {
        return List.of(AnalyticsMembers.applicationName(), Member.integer("Limit").range(1, 50),
                Member.string("NextToken").length(1, 512), Member.string("Operation").length(1, 64),
                Member.string("OperationStatus").oneOf(AnalyticsMembers.OPERATION_STATUSES));
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Analytics analytics) {
        Application app = analytics.require(request.string("ApplicationName"));
        String type = request.string("Operation");
        String status = request.string("OperationStatus");
        int limit = request.integer("Limit", 50);
        int from = Analytics.offset(request.string("NextToken"));
        List<Application.Operation> operations = app.operations().stream()
                .filter(o -> type == null || o.type().equals(type)).filter(o -> status == null || o.status().equals(status)).toList();
        ObjectNode response = Analytics.object();
        ArrayNode list = response.putArray("ApplicationOperationInfoList");
        operations.stream().skip(from).limit(limit).forEach(o -> list.add(Analytics.operationInfo(o)));
        if (operations.size() > from + limit) {
            response.put("NextToken", Integer.toString(from + limit));
        }
        return Analytics.done(response);
    }
}
