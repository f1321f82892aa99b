package io.runnel.server.api.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** One operation of the Managed Flink API: the shape of its input and what it does with a valid request. */
interface AnalyticsAction {

    List<Member> input();

    CompletableFuture<JsonNode> handle(Request request, Analytics analytics);
}
