package io.runnel.it;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Streams filled and read through the Kinesis API, as a user's producers and consumers do. */
final class StreamData {

    private StreamData() {
    }

    static void create(KinesisClient kinesis, String stream, int shards) {
        kinesis.createStream(b -> b.streamName(stream).shardCount(shards));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() ->
                kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
    }

    /**
     * Puts {@code count} records "key-i:n" over {@code keys} keys, each key's records numbered on from what
     * {@code written} says was put before; returns the records put.
     */
    static List<String> putNumbered(KinesisClient kinesis, String stream, int keys, int count, Map<String, Integer> written) {
        List<String> put = new ArrayList<>();
        List<PutRecordsRequestEntry> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String key = "key-" + (i % keys);
            String data = key + ":" + (written.merge(key, 1, Integer::sum) - 1);
            put.add(data);
            records.add(PutRecordsRequestEntry.builder().partitionKey(key).data(SdkBytes.fromUtf8String(data)).build());
        }
        put(kinesis, stream, records);
        return put;
    }

    /** Puts the records with PutRecords, 500 at a time (its most), and checks that none failed. */
    static void put(KinesisClient kinesis, String stream, List<PutRecordsRequestEntry> records) {
        for (int from = 0; from < records.size(); from += 500) {
            List<PutRecordsRequestEntry> batch = records.subList(from, Math.min(records.size(), from + 500));
            assertThat(kinesis.putRecords(b -> b.streamName(stream).records(batch)).failedRecordCount()).isZero();
        }
    }

    /** Every record of every shard, as text, each shard's in order. */
    static List<String> readAll(KinesisClient kinesis, String stream) {
        return readAll(kinesis, stream, (partitionKey, data) -> data);
    }

    /** Every record of every shard, each turned into a line by {@code line(partitionKey, data)}, each shard's in order. */
    static List<String> readAll(KinesisClient kinesis, String stream, BiFunction<String, String, String> line) {
        List<String> records = new ArrayList<>();
        for (Shard shard : kinesis.listShards(b -> b.streamName(stream)).shards()) {
            String iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            while (iterator != null) {
                String current = iterator;
                GetRecordsResponse page = kinesis.getRecords(b -> b.shardIterator(current).limit(10_000));
                page.records().forEach(r -> records.add(line.apply(r.partitionKey(), r.data().asUtf8String())));
                iterator = page.records().isEmpty() && page.millisBehindLatest() == 0 ? null : page.nextShardIterator();
            }
        }
        return records;
    }
}
