package io.runnel.server.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/**
 * One AWS Query-protocol service on the API ports (STS, CloudWatch): a request belongs to the service its SigV4
 * credential scope names, and to the operation its {@code Action} parameter names; it is answered in XML. A service that
 * newer SDKs reach over Smithy RPC v2 CBOR instead (CloudWatch) names itself for that protocol's paths too.
 *
 * @param signingName the service in the credential scope of requests to it ({@code sts}, {@code monitoring})
 * @param version     its API version, as Query requests give it
 * @param namespace   the XML namespace of its Query responses
 * @param rpcV2Name   its name in RPC v2 CBOR paths ({@code /service/<name>/operation/<Action>}), or null
 * @param actions     its operations by Action
 */
public record QueryService(String signingName, String version, String namespace, String rpcV2Name, Map<String, Action> actions) {

    public QueryService {
        actions = Map.copyOf(actions);
    }

    /** An operation. */
    public interface Action {
        /**
         * @param input the request's members as a tree, whichever protocol carried it (a Query form's
         *              {@code A.member.1.B} is {@code {"A": [{"B": …}]}}, its values text)
         * @return the members of its result in order, or null when it has no output
         */
        Map<String, String> handle(JsonNode input, String accessKeyId);
    }
}
