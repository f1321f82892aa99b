package io.runnel.server.api.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** One operation of the Firehose API: the shape of its input and what it does with a valid request. */
interface FirehoseAction {

    List<Member> input();

    CompletableFuture<JsonNode> handle(Request request, Firehose firehose);
}
