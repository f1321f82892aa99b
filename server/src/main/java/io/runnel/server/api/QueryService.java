package io.runnel.server.api;

import java.util.Map;

/**
 * One AWS Query-protocol service on the API ports (STS): form parameters in, XML out. A request belongs to the service
 * its SigV4 credential scope names ({@code sts}), and to the operation its {@code Action} parameter names.
 *
 * @param signingName the service in the credential scope of requests to it
 * @param version     its API version, as requests give it
 * @param namespace   the XML namespace of its responses
 * @param actions     its operations by Action
 */
public record QueryService(String signingName, String version, String namespace, Map<String, Action> actions) {

    public QueryService {
        actions = Map.copyOf(actions);
    }

    /** An operation: what it answers, as the elements of its {@code <ActionResult>} in order, or null when it has no output. */
    public interface Action {
        Map<String, String> handle(Map<String, String> parameters, String accessKeyId);
    }
}
