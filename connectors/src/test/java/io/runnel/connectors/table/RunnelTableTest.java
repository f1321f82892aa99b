package io.runnel.connectors.table;

import io.runnel.connectors.TestStreams;
import io.runnel.server.testing.Clients;
import io.runnel.server.testing.RunnelServerExtension;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import io.runnel.core.testing.KplRecords;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** {@code 'connector' = 'runnel'} tables in Flink SQL, over a stream filled from testdata/. */
@ExtendWith(RunnelServerExtension.class)
class RunnelTableTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    private static final Path TESTDATA = TestStreams.TESTDATA;
    private static final String STREAM = "sql-clicks";

    private static KinesisClient kinesis;

    @BeforeAll
    static void fillFromTestdata() throws Exception {
        kinesis = Clients.sync(RunnelServerExtension.server().endpoint(), true);
        TestStreams.create(kinesis, STREAM, 3);
        TestStreams.putClicks(kinesis, STREAM);
    }

    @AfterAll
    static void close() {
        kinesis.close();
    }

    private static StreamTableEnvironment tables() {
        return tables(2);
    }

    private static StreamTableEnvironment tables(int parallelism) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        return StreamTableEnvironment.create(env);
    }

    private static String clicksTable(String extraColumns, String extraOptions) {
        return "CREATE TABLE clicks (user_id STRING, url STRING, ts TIMESTAMP(3)" + extraColumns
                + ", WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'runnel', 'stream' = '" + STREAM
                + "', 'bootstrap-servers' = '" + RunnelServerExtension.server().server.bootstrapServers()
                + "', 'format' = 'json', 'scan.bounded' = 'true'" + extraOptions + ")";
    }

    @Test
    void aTumblingWindowAggregateMatchesThePrecomputedAnswer() throws Exception {
        StreamTableEnvironment tables = tables();
        tables.executeSql(clicksTable("", ""));
        assertThat(TestStreams.clicksPerMinute(tables, "clicks")).containsExactlyInAnyOrderElementsOf(TestStreams.expectedClicksPerMinute());
    }

    @Test
    void windowsCloseWhileTheStreamStaysOpen() throws Exception {
        // Four readers for three shards: each shard's watermark moves its windows on, and the reader
        // without a shard turns idle after the idle timeout instead of holding every window back.
        StreamTableEnvironment tables = tables(4);
        tables.getConfig().set("table.exec.source.idle-timeout", "1 s");
        tables.executeSql(clicksTable("", "").replace("'scan.bounded' = 'true'", "'scan.bounded' = 'false'"));
        List<String> expected = Files.readAllLines(TESTDATA.resolve("clicks-per-minute.csv")).stream().skip(1)
                .filter(line -> !line.startsWith("2026-11-26 00:09:00")).toList();
        List<String> rows = java.util.Collections.synchronizedList(new ArrayList<>());
        DateTimeFormatter minute = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
        try (CloseableIterator<Row> result = tables.executeSql("SELECT window_start, user_id, COUNT(*) AS clicks "
                + "FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) "
                + "GROUP BY window_start, window_end, user_id").collect()) {
            Thread reader = new Thread(() -> {
                try {
                    result.forEachRemaining(r ->
                            rows.add(((LocalDateTime) r.getField(0)).format(minute) + "," + r.getField(1) + "," + r.getField(2)));
                } catch (RuntimeException cancelled) {
                    // Closing the result cancels the job, which ends this read.
                }
            });
            reader.setDaemon(true);
            reader.start();
            // Every window but the last closes as each shard's watermark passes it; the last waits for later clicks.
            await().atMost(Duration.ofSeconds(60)).until(() -> rows.size() >= expected.size());
        }
        assertThat(rows).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void withoutBootstrapServersATableAsksTheServerItNamesOrTheConfigurationNames() throws Exception {
        String endpoint = RunnelServerExtension.server().endpoint().toString();
        StreamTableEnvironment named = tables();
        named.executeSql("CREATE TABLE asked (user_id STRING) WITH ('connector' = 'runnel', 'stream' = '" + STREAM
                + "', 'endpoint' = '" + endpoint + "', 'format' = 'json', 'scan.bounded' = 'true')");
        StreamTableEnvironment configured = tables();
        configured.getConfig().getConfiguration().setString("runnel.endpoint", endpoint);
        configured.executeSql("CREATE TABLE asked (user_id STRING) WITH ('connector' = 'runnel', 'stream' = '" + STREAM
                + "', 'format' = 'json', 'scan.bounded' = 'true')");

        for (StreamTableEnvironment tables : List.of(named, configured)) {
            try (CloseableIterator<Row> result = tables.executeSql("SELECT COUNT(*) FROM asked").collect()) {
                long last = -1;
                while (result.hasNext()) {
                    last = (Long) result.next().getField(0);
                }
                assertThat(last).isEqualTo(Files.readAllLines(TESTDATA.resolve("clicks.jsonl")).size());
            }
        }
    }

    @Test
    void metadataColumnsTellPartitionKeyShardSequenceNumberAndArrivalTime() throws Exception {
        StreamTableEnvironment tables = tables();
        tables.executeSql(clicksTable(", pk STRING METADATA FROM 'partition_key' VIRTUAL, shard STRING METADATA FROM 'shard_id' VIRTUAL"
                + ", seq STRING METADATA FROM 'sequence_number' VIRTUAL, arrived TIMESTAMP_LTZ(3) METADATA FROM 'arrival_time' VIRTUAL", ""));
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> result = tables.executeSql("SELECT user_id, pk, shard, seq, arrived FROM clicks").collect()) {
            result.forEachRemaining(rows::add);
        }
        assertThat(rows).hasSize(600).allSatisfy(r -> {
            assertThat(r.getField(1)).isEqualTo(r.getField(0));
            assertThat((String) r.getField(2)).matches("shardId-00000000000[0-2]");
            assertThat((String) r.getField(3)).matches("[1-9][0-9]*");
            assertThat(r.getField(4)).isNotNull();
        });
    }

    @Test
    void kplAggregatedRecordsReadAsTheirUserRecordsNumberedWithinTheirRecord() throws Exception {
        String stream = "sql-kpl";
        TestStreams.create(kinesis, stream, 2);
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int a = 0; a < 3; a++) {
            List<KplRecords.User> users = new ArrayList<>();
            for (int u = 0; u < 4; u++) {
                users.add(new KplRecords.User("user-" + u, null,
                        ("{\"user_id\":\"user-" + u + "\",\"url\":\"/" + a + "/" + u + "\",\"ts\":\"2026-12-01 10:00:00\"}")
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            }
            // As the KPL puts it: under the first user record's key, routed by an explicit hash key.
            entries.add(PutRecordsRequestEntry.builder().partitionKey("a").explicitHashKey(a == 1 ? "0" : "340282366920938463463374607431768211455")
                    .data(SdkBytes.fromByteArray(KplRecords.aggregate(users))).build());
        }
        assertThat(kinesis.putRecords(b -> b.streamName(stream).records(entries)).failedRecordCount()).isZero();
        entries.clear();
        entries.add(PutRecordsRequestEntry.builder().partitionKey("plain").data(SdkBytes.fromUtf8String(
                "{\"user_id\":\"plain\",\"url\":\"/plain\",\"ts\":\"2026-12-01 10:00:00\"}")).build());
        kinesis.putRecords(b -> b.streamName(stream).records(entries));

        StreamTableEnvironment tables = tables();
        tables.executeSql("CREATE TABLE kpl (user_id STRING, url STRING, pk STRING METADATA FROM 'partition_key' VIRTUAL, "
                + "seq STRING METADATA FROM 'sequence_number' VIRTUAL, sub BIGINT METADATA FROM 'sub_sequence_number' VIRTUAL) "
                + "WITH ('connector' = 'runnel', 'stream' = '" + stream + "', 'bootstrap-servers' = '"
                + RunnelServerExtension.server().server.bootstrapServers() + "', 'format' = 'json', 'scan.bounded' = 'true')");
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> result = tables.executeSql("SELECT user_id, url, pk, seq, sub FROM kpl").collect()) {
            result.forEachRemaining(rows::add);
        }
        assertThat(rows).hasSize(13);
        assertThat(rows).filteredOn(r -> !r.getField(0).equals("plain")).allSatisfy(r -> {
            assertThat(r.getField(2)).as("the user record's own partition key").isEqualTo(r.getField(0));
            assertThat(r.getField(4)).as("its place in its aggregated record").isEqualTo(Long.parseLong(((String) r.getField(0)).substring(5)));
        });
        for (int a = 0; a < 3; a++) {
            String prefix = "/" + a + "/";
            assertThat(rows.stream().filter(r -> ((String) r.getField(1)).startsWith(prefix)).map(r -> r.getField(3)).distinct())
                    .as("one sequence number for the user records of aggregated record %d", a).hasSize(1);
        }
        assertThat(rows).filteredOn(r -> r.getField(0).equals("plain")).singleElement()
                .satisfies(r -> assertThat(r.getField(4)).isEqualTo(0L));
    }

    @Test
    void aQueryReadsOnlyTheColumnsItNames() throws Exception {
        StreamTableEnvironment tables = tables();
        tables.executeSql(clicksTable(", pk STRING METADATA FROM 'partition_key' VIRTUAL", ""));
        String query = "SELECT url, pk FROM clicks";
        // ts stays: the watermark needs it; user_id is never decoded.
        assertThat(tables.explainSql(query)).contains("project=[url, ts]");
        List<String> rows = new ArrayList<>();
        try (CloseableIterator<Row> result = tables.executeSql(query).collect()) {
            result.forEachRemaining(r -> rows.add(r.getArity() + " " + r.getField(0) + " " + r.getField(1)));
        }
        assertThat(rows).containsExactlyInAnyOrderElementsOf(Files.readAllLines(TESTDATA.resolve("clicks.jsonl")).stream()
                .map(line -> click(line).split(" "))
                .map(click -> "2 " + click[1] + " " + click[0]).toList());
    }

    @Test
    void insertIntoAStreamWritesEachRowKeyedByItsPartitionKeyColumns() throws Exception {
        String copy = "sql-clicks-copy";
        TestStreams.create(kinesis, copy, 2);
        StreamTableEnvironment tables = tables();
        tables.executeSql(clicksTable("", ""));
        tables.executeSql("CREATE TABLE clicks_copy (user_id STRING, url STRING, ts TIMESTAMP(3)) WITH ('connector' = 'runnel', "
                + "'stream' = '" + copy + "', 'bootstrap-servers' = '" + TestStreams.bootstrap() + "', 'format' = 'json', "
                + "'sink.partition-key' = 'user_id', 'sink.delivery-guarantee' = 'exactly-once', "
                + "'sink.transactional-id-prefix' = 'sql-clicks-copy')");
        tables.executeSql("INSERT INTO clicks_copy SELECT user_id, url, ts FROM clicks").await(2, TimeUnit.MINUTES);

        List<TestStreams.Read> read = TestStreams.getRecords(kinesis, copy);
        assertThat(read).hasSize(600).allSatisfy(r -> assertThat(r.data()).contains("\"user_id\":\"" + r.partitionKey() + "\""));
        List<String> lines = Files.readAllLines(TESTDATA.resolve("clicks.jsonl"));
        assertThat(read).extracting(r -> click(r.data())).containsExactlyInAnyOrderElementsOf(
                lines.stream().map(RunnelTableTest::click).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"csv", "avro", "json"})
    void rowsWrittenInAFormatReadBackTheSame(String format) throws Exception {
        String stream = "sql-clicks-" + format;
        TestStreams.create(kinesis, stream, 2);
        StreamTableEnvironment tables = tables();
        tables.executeSql(clicksTable("", ""));
        tables.executeSql("CREATE TABLE formatted (user_id STRING, url STRING, ts TIMESTAMP(3)) WITH ('connector' = 'runnel', "
                + "'stream' = '" + stream + "', 'bootstrap-servers' = '" + TestStreams.bootstrap() + "', 'format' = '" + format
                + "', 'sink.partition-key' = 'user_id', 'scan.bounded' = 'true')");
        tables.executeSql("INSERT INTO formatted SELECT user_id, url, ts FROM clicks").await(2, TimeUnit.MINUTES);

        assertThat(rows(tables, "SELECT user_id, url, ts FROM formatted"))
                .containsExactlyInAnyOrderElementsOf(rows(tables, "SELECT user_id, url, ts FROM clicks"));
    }

    private static List<String> rows(StreamTableEnvironment tables, String query) throws Exception {
        List<String> rows = new ArrayList<>();
        try (CloseableIterator<Row> result = tables.executeSql(query).collect()) {
            result.forEachRemaining(r -> rows.add(r.toString()));
        }
        return rows;
    }

    private static final Pattern CLICK = Pattern.compile("\"user_id\":\"([^\"]+)\",\"url\":\"([^\"]+)\",\"ts\":\"([^\"]+)\"");

    /** A click's user, page and time, however the JSON spells the time's fraction. */
    private static String click(String json) {
        Matcher m = CLICK.matcher(json);
        assertThat(m.find()).as("a click in %s", json).isTrue();
        return m.group(1) + " " + m.group(2) + " " + LocalDateTime.parse(m.group(3).replace(' ', 'T'));
    }

    @Test
    void aPartitionKeyColumnTheTableLacksIsRefusedByName() {
        StreamTableEnvironment tables = tables();
        tables.executeSql(clicksTable("", ""));
        tables.executeSql("CREATE TABLE bad_sink (user_id STRING) WITH ('connector' = 'runnel', 'stream' = 'anything', "
                + "'bootstrap-servers' = '" + TestStreams.bootstrap() + "', 'format' = 'json', 'sink.partition-key' = 'user')");
        assertThatThrownBy(() -> tables.executeSql("INSERT INTO bad_sink SELECT user_id FROM clicks"))
                .hasRootCauseInstanceOf(ValidationException.class)
                .rootCause().hasMessageContaining("'sink.partition-key' names column 'user'");
    }

    @Test
    void anUnknownOptionIsRefusedByName() {
        StreamTableEnvironment tables = tables();
        tables.executeSql(clicksTable("", ", 'scan.startup.mod' = 'latest'"));
        assertThatThrownBy(() -> tables.executeSql("SELECT * FROM clicks").collect().close())
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(String.valueOf(e.getCause() == null ? e.getMessage() : e.getMessage() + e.getCause().getMessage()))
                        .contains("scan.startup.mod"));
    }
}
