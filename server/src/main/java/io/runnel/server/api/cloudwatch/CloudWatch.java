package io.runnel.server.api.cloudwatch;

import io.runnel.server.api.QueryService;

import java.util.Map;

/**
 * The part of CloudWatch that Kinesis clients call: PutMetricData, so that the KCL and the KPL need not have their
 * metrics turned off. What they send is kept in {@link ClientMetrics}; every other operation is an InvalidAction.
 */
public final class CloudWatch {

    private CloudWatch() {
    }

    public static QueryService service(ClientMetrics metrics) {
        return new QueryService("monitoring", "2010-08-01", "http://monitoring.amazonaws.com/doc/2010-08-01/",
                "GraniteServiceVersion20100801", Map.of("PutMetricData", new PutMetricDataAction(metrics)));
    }
}
