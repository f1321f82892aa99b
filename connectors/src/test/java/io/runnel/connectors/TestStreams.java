package io.runnel.connectors;

import io.runnel.connectors.source.RunnelRecord;
import io.runnel.connectors.source.RunnelRecordDeserializer;
import io.runnel.server.testing.RunnelServerExtension;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Streams for the connectors' tests: made through the server's API, filled with numbered records per key. */
public final class TestStreams {

    private TestStreams() {
    }

    public static MiniClusterExtension miniCluster() {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());
    }

    public static String bootstrap() {
        return RunnelServerExtension.server().server.bootstrapServers();
    }

    public static void create(KinesisClient kinesis, String stream, int shards) {
        kinesis.createStream(b -> b.streamName(stream).shardCount(shards));
        awaitActive(kinesis, stream);
    }

    public static void awaitActive(KinesisClient kinesis, String stream) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() ->
                kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
    }

    /** Puts {@code count} records over {@code keys} keys as "key-i:n", numbering each key's records on from what was written. */
    public static void put(KinesisClient kinesis, String stream, int keys, int count, Map<String, Integer> written) {
        List<PutRecordsRequestEntry> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String key = "key-" + (i % keys);
            int n = written.merge(key, 1, Integer::sum) - 1;
            batch.add(PutRecordsRequestEntry.builder().partitionKey(key).data(SdkBytes.fromUtf8String(key + ":" + n)).build());
            if (batch.size() == 500 || i == count - 1) {
                List<PutRecordsRequestEntry> full = List.copyOf(batch);
                assertThat(kinesis.putRecords(b -> b.streamName(stream).records(full)).failedRecordCount()).isZero();
                batch.clear();
            }
        }
    }

    /** "key:n" for each record: the partition key and the record's number within its key. */
    public static final class KeyAndNumber implements RunnelRecordDeserializer<String> {
        @Override
        public void deserialize(RunnelRecord record, Collector<String> out) {
            String data = new String(record.data(), java.nio.charset.StandardCharsets.UTF_8);
            if (!data.startsWith(record.partitionKey() + ":")) {
                throw new IllegalStateException("record " + record.sequenceNumber() + " has key " + record.partitionKey() + " but data " + data);
            }
            out.collect(data);
        }

        @Override
        public TypeInformation<String> getProducedType() {
            return Types.STRING;
        }
    }

    public static void assertEveryRecordOnceInKeyOrder(List<String> read, Map<String, Integer> written) {
        Map<String, List<Integer>> byKey = new HashMap<>();
        for (String record : read) {
            String[] parts = record.split(":");
            byKey.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(Integer.parseInt(parts[1]));
        }
        assertThat(byKey.keySet()).isEqualTo(written.keySet());
        written.forEach((key, count) -> {
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                expected.add(i);
            }
            assertThat(byKey.get(key)).as("records of key %s in the order read", key).isEqualTo(expected);
        });
    }

    /** A record as GetRecords returns it. */
    public record Read(String shardId, String sequenceNumber, String partitionKey, String data) {
    }

    /** Every record of every shard through GetRecords, each shard's in the order GetRecords returns them. */
    public static List<Read> getRecords(KinesisClient kinesis, String stream) {
        List<Read> all = new ArrayList<>();
        for (Shard shard : kinesis.listShards(b -> b.streamName(stream)).shards()) {
            String iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            while (iterator != null) {
                String current = iterator;
                GetRecordsResponse page = kinesis.getRecords(b -> b.shardIterator(current).limit(10_000));
                page.records().forEach(r -> all.add(new Read(shard.shardId(), r.sequenceNumber(), r.partitionKey(),
                        r.data().asUtf8String())));
                boolean caughtUp = page.records().isEmpty() && page.millisBehindLatest() == 0;
                iterator = caughtUp ? null : page.nextShardIterator();
            }
        }
        return all;
    }

    public static final Path TESTDATA = Path.of("..", "testdata");
    private static final Pattern USER = Pattern.compile("\"user_id\":\"([^\"]+)\"");

    /** Puts every click of testdata/clicks.jsonl, keyed by its user. */
    public static void putClicks(KinesisClient kinesis, String stream) throws IOException {
        List<PutRecordsRequestEntry> batch = new ArrayList<>();
        for (String line : Files.readAllLines(TESTDATA.resolve("clicks.jsonl"))) {
            Matcher user = USER.matcher(line);
            assertThat(user.find()).as("user_id in %s", line).isTrue();
            batch.add(PutRecordsRequestEntry.builder().partitionKey(user.group(1)).data(SdkBytes.fromUtf8String(line)).build());
        }
        for (int i = 0; i < batch.size(); i += 500) {
            List<PutRecordsRequestEntry> part = batch.subList(i, Math.min(batch.size(), i + 500));
            assertThat(kinesis.putRecords(b -> b.streamName(stream).records(part)).failedRecordCount()).isZero();
        }
    }

    /** The answer checked into testdata/: clicks per user per minute, as "window_start,user_id,clicks" lines. */
    public static List<String> expectedClicksPerMinute() throws IOException {
        List<String> lines = Files.readAllLines(TESTDATA.resolve("clicks-per-minute.csv"));
        return lines.subList(1, lines.size());
    }

    /** Runs the one-minute TUMBLE count of clicks per user over a table, to the end of its input. */
    public static List<String> clicksPerMinute(TableEnvironment tables, String table) throws Exception {
        List<String> rows = new ArrayList<>();
        DateTimeFormatter minute = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
        try (CloseableIterator<Row> result = tables.executeSql("SELECT window_start, user_id, COUNT(*) AS clicks "
                + "FROM TABLE(TUMBLE(TABLE " + table + ", DESCRIPTOR(ts), INTERVAL '1' MINUTE)) "
                + "GROUP BY window_start, window_end, user_id").collect()) {
            result.forEachRemaining(r -> rows.add(((LocalDateTime) r.getField(0)).format(minute) + "," + r.getField(1) + "," + r.getField(2)));
        }
        return rows;
    }
}
