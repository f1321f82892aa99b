package io.runnel.server.api.video;

import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.vertx.core.http.HttpServerResponse;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A Kinesis Video Streams operation answered with media it writes itself. Its future fails only before the
 * response has begun.
 */
interface VideoMediaAction {

    List<Member> input();

    CompletableFuture<Void> handle(Request request, HttpServerResponse response, Video video);
}
