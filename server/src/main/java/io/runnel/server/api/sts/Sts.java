package io.runnel.server.api.sts;

import io.runnel.server.RunnelConfig;
import io.runnel.server.api.QueryService;

import java.util.Map;

/**
 * The part of AWS STS that Kinesis clients call before anything else (the KPL exits without it): GetCallerIdentity.
 */
public final class Sts {

    private Sts() {
    }

    public static QueryService service(RunnelConfig config) {
        return new QueryService("sts", "2011-06-15", "https://sts.amazonaws.com/doc/2011-06-15/", null,
                Map.of("GetCallerIdentity", new GetCallerIdentityAction(config.accountId)));
    }
}
