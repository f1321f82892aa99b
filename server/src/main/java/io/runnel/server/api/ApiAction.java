package io.runnel.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.validation.Member;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One operation of a service: the shape of its input, and what it does with a valid request, given what the
 * service shares among its operations ({@code S}).
 */
public interface ApiAction<S> {

    List<Member> input();

    CompletableFuture<JsonNode> handle(Request request, S service);
}
