package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.core.StreamMetadata;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * {@code Runnel_20261126.PutStreamTable}: stores how Flink SQL sees a stream (its schema, format and
 * options, as Flink's catalog properties) in the stream's metadata, where the Runnel catalog finds it. An
 * empty Table forgets it.
 */
final class PutStreamTableAction implements KinesisAction {

    @Override
    public List<Member> input() {
        return List.of(Members.streamName(), Members.streamArn(),
                Member.stringMap("Table").required().length(0, 1000).keyLength(1, 256).valueLength(0, 64 * 1024));
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Kinesis kinesis) {
        String name = kinesis.streamName(request);
        Map<String, String> table = new TreeMap<>();
        request.node("Table").fields().forEachRemaining(e -> table.put(e.getKey(), e.getValue().asText()));
        return kinesis.streams.change(() -> {
            StreamMetadata stream = kinesis.requireReadable(name);
            kinesis.streams.save(stream.withTable(table));
            return Kinesis.object();
        });
    }
}
