package io.runnel.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.validation.Member;
import io.runnel.server.http.WireFormat;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One operation of a service: the shape of its input, and what it does with a valid request, given what the
 * service shares among its operations ({@code S}).
 */
public interface ApiAction<S> {

    List<Member> input();

    /**
     * The body read by the operation itself, when it can tell at once that the body is valid, skipping the general parse
     * and validation; null to take the general way, which also words every error. Only for operations where reading the
     * body is most of the cost of a request.
     */
    default Request.Preread preread(WireFormat format, byte[] body) {
        return null;
    }

    CompletableFuture<JsonNode> handle(Request request, S service);
}
