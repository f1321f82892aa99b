package io.runnel.server.api.cloudwatch;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.api.ApiService;
import io.runnel.server.api.QueryService;
import io.runnel.server.api.Request;
import io.runnel.server.http.ApiException;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The part of CloudWatch that Kinesis clients call: PutMetricData, so that the KCL and the KPL need not have their
 * metrics turned off. What they send is kept in {@link ClientMetrics}; every other operation is an InvalidAction.
 */
public final class CloudWatch {

    private CloudWatch() {
    }

    private static final String TARGET = "GraniteServiceVersion20100801";

    public static QueryService service(ClientMetrics metrics) {
        return new QueryService("monitoring", "2010-08-01", "http://monitoring.amazonaws.com/doc/2010-08-01/",
                TARGET, Map.of("PutMetricData", new PutMetricDataAction(metrics)));
    }

    /**
     * The same operations over JSON 1.0 ({@code X-Amz-Target: GraniteServiceVersion20100801.PutMetricData}), the form the
     * AWS CLI sends. Their input is checked by the actions themselves, which need not know the caller.
     */
    public static ApiService json(QueryService service) {
        Map<String, ApiService.Operation> operations = new HashMap<>();
        service.actions().forEach((name, action) -> operations.put(name, new ApiService.Operation(List.of(), request -> {
            Map<String, String> result = action.handle(request.body(), null);
            if (result == null) {
                return CompletableFuture.completedFuture(Request.NO_BODY);
            }
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            result.forEach(out::put);
            return CompletableFuture.completedFuture(out);
        })));
        ApiService known = ApiService.of(TARGET, operations);
        // Every other operation gets CloudWatch's answer for one it does not have, rather than Kinesis's bare one.
        ApiService.Operation other = new ApiService.Operation(List.of(), request -> {
            throw ApiException.badRequest("InvalidAction", "Runnel's CloudWatch takes PutMetricData only.");
        });
        return new ApiService() {
            @Override
            public String target() {
                return TARGET;
            }

            @Override
            public ApiService.Operation operation(String name) {
                ApiService.Operation operation = known.operation(name);
                return operation != null ? operation : other;
            }
        };
    }
}
