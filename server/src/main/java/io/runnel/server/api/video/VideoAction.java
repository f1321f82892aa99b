package io.runnel.server.api.video;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A Kinesis Video Streams operation answered with JSON. */
interface VideoAction {

    List<Member> input();

    CompletableFuture<JsonNode> handle(Request request, Video video);
}
