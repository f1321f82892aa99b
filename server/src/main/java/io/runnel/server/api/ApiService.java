package io.runnel.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.validation.Member;
import io.runnel.server.http.WireFormat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One AWS JSON-protocol service on the API port: the operations an {@code X-Amz-Target} of
 * {@code <target>.<Operation>} names.
 */
public interface ApiService {

    /** The X-Amz-Target prefix, such as {@code Kinesis_20131202}. */
    String target();

    /** The operation of this name, or null. */
    Operation operation(String name);

    /**
     * An operation: the shape its input is validated against, what it does with a valid request, and how it may read a
     * body itself ({@link ApiAction#preread}).
     */
    record Operation(List<Member> input, Function<Request, CompletableFuture<JsonNode>> handler,
                     BiFunction<WireFormat, byte[], Request.Preread> preread) {

        public Operation(List<Member> input, Function<Request, CompletableFuture<JsonNode>> handler) {
            this(input, handler, (format, body) -> null);
        }
    }

    /** A service whose operations are actions sharing {@code service}, by operation name. */
    static <S> ApiService of(String target, Map<String, ? extends ApiAction<S>> actions, S service) {
        return of(target, actions.entrySet().stream().collect(Collectors.toUnmodifiableMap(Map.Entry::getKey,
                e -> new Operation(e.getValue().input(), request -> e.getValue().handle(request, service), e.getValue()::preread))));
    }

    /** A service of a fixed set of operations, built once: shapes hold compiled patterns. */
    static ApiService of(String target, Map<String, Operation> operations) {
        Map<String, Operation> copy = Map.copyOf(operations);
        return new ApiService() {
            @Override
            public String target() {
                return target;
            }

            @Override
            public Operation operation(String name) {
                return copy.get(name);
            }
        };
    }
}
