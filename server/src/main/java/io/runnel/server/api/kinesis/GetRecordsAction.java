package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.core.Shard;
import io.runnel.core.ShardId;
import io.runnel.core.StreamMetadata;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.http.ApiException;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

final class GetRecordsAction implements KinesisAction {

    /** How Kinesis writes times in messages: as Java's Date does, in UTC ("Thu Jan 22 01:22:02 UTC 2015"). */
    private static final DateTimeFormatter KINESIS_TIME = DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss 'UTC' yyyy", Locale.US)
            .withZone(ZoneOffset.UTC);

    static final long ITERATOR_LIFETIME_MS = 300_000;
    private static final int MAX_RECORDS = 10_000;
    private static final int MAX_BYTES = 10 * 1024 * 1024;

    @Override
    public List<Member> input() {
        return List.of(Member.string("ShardIterator").length(1, 512).required(),
                Member.integer("Limit").range(1, MAX_RECORDS), Members.streamArn());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Kinesis kinesis) {
        ShardIterators.Position p = kinesis.iterators.decode(request.string("ShardIterator"));
        if (p == null) {
            throw ApiException.invalidArgument("Invalid ShardIterator.");
        }
        long now = System.currentTimeMillis();
        if (now - p.issuedAt() > ITERATOR_LIFETIME_MS) {
            throw ApiException.badRequest("ExpiredIteratorException", "Iterator expired. The iterator was created at time "
                    + KINESIS_TIME.format(Instant.ofEpochMilli(p.issuedAt())) + " while right now it is "
                    + KINESIS_TIME.format(Instant.ofEpochMilli(now))
                    + " which is further in the future than the tolerated delay of " + ITERATOR_LIFETIME_MS + " milliseconds.");
        }
        if (request.has("StreamARN") && !request.string("StreamARN").equals(kinesis.config.streamArn(p.streamName()))) {
            throw ApiException.invalidArgument("StreamARN " + request.string("StreamARN")
                    + " does not match the stream of the ShardIterator.");
        }
        StreamMetadata stream = kinesis.streams.find(p.streamName())
                .filter(s -> s.createdAt() == p.streamCreatedAt()).orElse(null);
        Shard shard = stream == null ? null : stream.shard(p.shardIndex());
        if (shard == null) {
            throw kinesis.shardNotFound(ShardId.of(p.shardIndex()), p.streamName());
        }
        int limit = request.integer("Limit", MAX_RECORDS);
        long start = System.nanoTime();
        return kinesis.reader.read(stream.topic(), shard.index(), p.offset(), shard.endOffset(), limit, MAX_BYTES)
                .thenApply(batch -> {
                    ObjectNode response = Kinesis.object();
                    ArrayNode records = response.putArray("Records");
                    long bytes = 0;
                    for (ConsumerRecord<byte[], byte[]> r : batch.records()) {
                        records.add(Kinesis.recordNode(shard, r));
                        bytes += r.value() == null ? 0 : r.value().length;
                    }
                    if (!request.fromConsole()) {
                        kinesis.metrics.read(stream.name(), shard.shardId(), batch.records().size(), bytes,
                                Kinesis.millisBehindLatest(batch), System.nanoTime() - start);
                    }
                    if (!batch.shardEndReached()) {
                        response.put("NextShardIterator", kinesis.iterators.encode(new ShardIterators.Position(
                                p.streamName(), p.streamCreatedAt(), shard.index(), batch.nextOffset(), System.currentTimeMillis())));
                    }
                    response.put("MillisBehindLatest", Kinesis.millisBehindLatest(batch));
                    if (batch.shardEndReached()) {
                        response.set("ChildShards", Kinesis.childShardsNode(stream, shard));
                    }
                    return response;
                });
    }
}
