package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.core.Shard;
import io.runnel.core.ShardId;
import io.runnel.core.StreamMetadata;
import io.runnel.core.StreamStatus;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.http.ApiException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

final class ListShardsAction implements KinesisAction {

    private static final int MAX_SHARDS = 1000;
    private static final long TOKEN_LIFETIME_MS = 300_000;
    private static final long HOUR_MS = 3_600_000L;

    @Override
    public List<Member> input() {
        return List.of(
                Members.streamName(),
                Members.nextToken(),
                Members.shardId("ExclusiveStartShardId"),
                Member.integer("MaxResults").range(1, 10000),
                Member.timestamp("StreamCreationTimestamp"),
                Member.structure("ShardFilter",
                        Member.string("Type").required().oneOf("AFTER_SHARD_ID", "AT_TRIM_HORIZON", "FROM_TRIM_HORIZON",
                                "AT_LATEST", "AT_TIMESTAMP", "FROM_TIMESTAMP"),
                        Members.shardId("ShardId"),
                        Member.timestamp("Timestamp")),
                Members.streamArn());
    }

    /** What a NextToken carries: the stream, the last shard listed and when the token was issued. */
    private record Token(String stream, long streamCreatedAt, int lastShardIndex, long issuedAt) {
        String encode() {
            byte[] name = stream.getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(20 + name.length).putLong(streamCreatedAt).putInt(lastShardIndex)
                    .putLong(issuedAt).put(name);
            return Base64.getEncoder().encodeToString(b.array());
        }

        static Token decode(String text) {
            try {
                ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(text));
                long created = b.getLong();
                int last = b.getInt();
                long issued = b.getLong();
                byte[] name = new byte[b.remaining()];
                b.get(name);
                return new Token(new String(name, StandardCharsets.UTF_8), created, last, issued);
            } catch (RuntimeException e) {
                throw ApiException.invalidArgument("Invalid NextToken.");
            }
        }
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Kinesis kinesis) {
        String tokenText = request.string("NextToken");
        long now = System.currentTimeMillis();
        StreamMetadata stream;
        int after = -1;
        if (tokenText != null) {
            if (request.has("StreamName") || request.has("StreamARN")) {
                throw ApiException.invalidArgument("NextToken and StreamName cannot be provided together.");
            }
            if (request.has("ExclusiveStartShardId")) {
                throw ApiException.invalidArgument("NextToken and ExclusiveStartShardId cannot be provided together.");
            }
            Token token = Token.decode(tokenText);
            if (now - token.issuedAt() > TOKEN_LIFETIME_MS) {
                throw ApiException.badRequest("ExpiredNextTokenException", "The timestamp data in the pagination token is expired.");
            }
            stream = kinesis.require(token.stream());
            if (stream.createdAt() != token.streamCreatedAt()) {
                throw kinesis.streamNotFound(token.stream());
            }
            after = token.lastShardIndex();
        } else {
            if (!request.has("StreamName") && !request.has("StreamARN")) {
                throw ApiException.invalidArgument("Either NextToken or StreamName should be provided.");
            }
            stream = kinesis.require(kinesis.streamName(request));
            String exclusiveStart = request.string("ExclusiveStartShardId");
            if (exclusiveStart != null) {
                after = indexAfter(exclusiveStart);
            }
        }
        if (stream.status() == StreamStatus.CREATING) {
            throw ApiException.resourceInUse("Stream " + stream.name() + " under account " + kinesis.config.accountId
                    + " not ACTIVE, instead in state CREATING");
        }
        Predicate<Shard> filter = filter(request.node("ShardFilter"), stream, request, now);
        int start = after;
        List<Shard> shards = stream.shards().stream().filter(s -> s.index() > start).filter(filter).toList();
        int max = Math.min(request.integer("MaxResults", MAX_SHARDS), MAX_SHARDS);
        List<Shard> page = shards.stream().limit(max).toList();
        ObjectNode response = Kinesis.object();
        ArrayNode list = response.putArray("Shards");
        page.forEach(s -> list.add(Kinesis.shardNode(s)));
        if (shards.size() > page.size()) {
            response.put("NextToken", new Token(stream.name(), stream.createdAt(), page.get(page.size() - 1).index(), now).encode());
        }
        return Kinesis.done(response);
    }

    /**
     * The index of the last shard a listing after {@code shardId} leaves out: the shard it names, or, for text that
     * names none, all shards or none as the text sorts before or after every shard id.
     */
    private static int indexAfter(String shardId) {
        int index = ShardId.indexOf(shardId);
        if (index >= 0) {
            return index;
        }
        return shardId.compareTo(ShardId.of(0)) < 0 ? -1 : Integer.MAX_VALUE;
    }

    private static Predicate<Shard> filter(JsonNode shardFilter, StreamMetadata stream, Request request, long now) {
        long trimHorizon = Math.max(now - stream.retentionHours() * HOUR_MS, stream.createdAt());
        Predicate<Shard> unexpired = s -> s.open() || s.closedAt() >= now - stream.retentionHours() * HOUR_MS;
        if (shardFilter == null) {
            return unexpired;
        }
        String type = shardFilter.get("Type").asText();
        JsonNode shardId = shardFilter.get("ShardId");
        JsonNode timestamp = shardFilter.get("Timestamp");
        switch (type) {
            case "AFTER_SHARD_ID" -> {
                if (shardId == null || shardId.isNull()) {
                    throw ApiException.invalidArgument("Must specify ShardId in ShardFilter when ShardFilter type is AFTER_SHARD_ID.");
                }
                int after = indexAfter(shardId.asText());
                return unexpired.and(s -> s.index() > after);
            }
            case "AT_TRIM_HORIZON" -> {
                return s -> openAt(s, trimHorizon);
            }
            case "FROM_TRIM_HORIZON" -> {
                return unexpired;
            }
            case "AT_LATEST" -> {
                return Shard::open;
            }
            default -> {
                if (timestamp == null || timestamp.isNull()) {
                    throw ApiException.invalidArgument("Must specify Timestamp in ShardFilter when ShardFilter type is " + type + ".");
                }
                long at = Math.max(Request.timestampMillis(timestamp, request.format()), trimHorizon);
                return "AT_TIMESTAMP".equals(type) ? s -> openAt(s, at) : s -> s.open() || s.closedAt() >= at;
            }
        }
    }

    private static boolean openAt(Shard s, long time) {
        return s.createdAt() <= time && (s.open() || s.closedAt() > time);
    }
}
