package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** One operation of the Kinesis API: the shape of its input and what it does with a valid request. */
public interface KinesisAction {

    List<Member> input();

    CompletableFuture<JsonNode> handle(Request request, Kinesis kinesis);
}
