package io.runnel.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.validation.Member;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/** An operation of a REST-JSON service, such as Kinesis Video Streams, named by its request path. */
public sealed interface RestOperation {

    /** A JSON request answered with JSON. */
    record Json(List<Member> input, Function<Request, CompletableFuture<JsonNode>> handler) implements RestOperation {
    }

    /**
     * A JSON request answered with bytes the handler writes as they come (GetMedia). The handler's future fails,
     * with an API error, only before it has written the response's status.
     */
    record Media(List<Member> input, BiFunction<Request, HttpServerResponse, CompletableFuture<Void>> handler)
            implements RestOperation {
    }

    /**
     * A GET the handler answers itself, without signature: what it serves is authorized by a token in the URL
     * (HLS playlists and segments, which players fetch). Its future fails, with an API error, instead of answering.
     */
    record Get(Function<HttpServerRequest, CompletableFuture<Void>> handler) implements RestOperation {
    }

    /** A request whose body the handler reads itself as it arrives (PutMedia); it may throw an API error before reading. */
    record Streaming(Consumer<HttpServerRequest> handler) implements RestOperation {
    }
}
