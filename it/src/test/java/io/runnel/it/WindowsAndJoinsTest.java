package io.runnel.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Flink SQL's windows and joins over Runnel tables, run on the server's Flink runtime through its SQL Gateway:
 * HOP, CUMULATE and OVER windows and MATCH_RECOGNIZE over event time, TUMBLE and SESSION windows over the
 * {@code arrival_time} metadata column, and an event-time temporal join. (TUMBLE and SESSION over event time and the
 * interval join are the sample applications' part, in {@link SampleApplicationsTest}.) Each answer is checked
 * against the same computation done here in Java on testdata/clicks.jsonl. The tables are bounded, so that every
 * query ends and its last windows close.
 */
class WindowsAndJoinsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    @TempDir
    static Path dir;
    private static RunnelProcess runnel;
    private static KinesisClient kinesis;
    private static SqlGateway sql;
    private static List<Click> clicks;
    /** When the test began and finished putting the clicks. */
    private static Instant putFrom;
    private static Instant putUntil;

    record Click(String user, String url, LocalDateTime ts) {
    }

    @BeforeAll
    static void up() throws Exception {
        runnel = RunnelProcess.up(Path.of("target/runnel-windows-and-joins.log"), "--flink", "embedded",
                "--data-dir", dir.resolve("data").toString(), "--create-stream-ms", "100");
        kinesis = runnel.client();
        StreamData.create(kinesis, "wj-clicks", 2);
        List<String> lines = Clicks.all();
        putFrom = Instant.now();
        Clicks.put(kinesis, "wj-clicks", lines);
        putUntil = Instant.now();
        clicks = lines.stream().map(WindowsAndJoinsTest::click).toList();

        sql = SqlGateway.open(URI.create(runnel.endpoints().path("SqlGatewayUrl").asText()), Map.of("execution.runtime-mode", "streaming", "table.local-time-zone", "UTC"));
        sql.run("""
                CREATE TEMPORARY TABLE clicks (
                  user_id STRING, url STRING, ts TIMESTAMP(3),
                  arrived TIMESTAMP_LTZ(3) METADATA FROM 'arrival_time' VIRTUAL,
                  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
                ) WITH ('connector' = 'runnel', 'stream' = 'wj-clicks', 'format' = 'json', 'scan.bounded' = 'true')""");
        sql.run("""
                CREATE TEMPORARY TABLE clicks_as_they_arrived (
                  user_id STRING, url STRING, ts TIMESTAMP(3),
                  arrived TIMESTAMP_LTZ(3) METADATA FROM 'arrival_time' VIRTUAL,
                  WATERMARK FOR arrived AS arrived
                ) WITH ('connector' = 'runnel', 'stream' = 'wj-clicks', 'format' = 'json', 'scan.bounded' = 'true')""");
    }

    @AfterAll
    static void down() throws Exception {
        if (kinesis != null) {
            kinesis.close();
        }
        if (runnel != null) {
            runnel.close();
        }
    }

    @Test
    void hoppingWindowsCountEveryClickInEachWindowThatHoldsIt() throws Exception {
        List<String> rows = sql.lines("""
                SELECT DATE_FORMAT(window_start, 'HH:mm:ss.SSS'), COUNT(*)
                FROM TABLE(HOP(TABLE clicks, DESCRIPTOR(ts), INTERVAL '30' SECOND, INTERVAL '1' MINUTE))
                GROUP BY window_start, window_end""");

        Map<LocalDateTime, Long> expected = new TreeMap<>();
        for (Click click : clicks) {
            LocalDateTime latest = floor(click.ts, Duration.ofSeconds(30));
            expected.merge(latest, 1L, Long::sum);
            expected.merge(latest.minusSeconds(30), 1L, Long::sum);
        }
        assertThat(rows).containsExactlyInAnyOrderElementsOf(lines(expected));
    }

    @Test
    void cumulatingWindowsGrowByAMinuteUpToThree() throws Exception {
        List<String> rows = sql.lines("""
                SELECT DATE_FORMAT(window_start, 'HH:mm:ss.SSS'), DATE_FORMAT(window_end, 'HH:mm:ss.SSS'), COUNT(*)
                FROM TABLE(CUMULATE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '1' MINUTE, INTERVAL '3' MINUTE))
                GROUP BY window_start, window_end""");

        Map<String, Long> expected = new TreeMap<>();
        for (Click click : clicks) {
            LocalDateTime start = floor(click.ts, Duration.ofMinutes(3));
            for (int minutes = 1; minutes <= 3; minutes++) {
                LocalDateTime end = start.plusMinutes(minutes);
                if (end.isAfter(click.ts)) {
                    expected.merge(TIME.format(start) + "," + TIME.format(end), 1L, Long::sum);
                }
            }
        }
        assertThat(rows).containsExactlyInAnyOrderElementsOf(
                expected.entrySet().stream().map(e -> e.getKey() + "," + e.getValue()).toList());
    }

    @Test
    void anOverWindowCountsEachUsersClicksOfTheMinuteBefore() throws Exception {
        List<String> rows = sql.lines("""
                SELECT user_id, DATE_FORMAT(ts, 'HH:mm:ss.SSS'), COUNT(*) OVER (
                  PARTITION BY user_id ORDER BY ts RANGE BETWEEN INTERVAL '1' MINUTE PRECEDING AND CURRENT ROW)
                FROM clicks""");

        List<String> expected = new ArrayList<>();
        for (Click click : clicks) {
            long inTheMinuteBefore = clicks.stream().filter(c -> c.user.equals(click.user)
                    && !c.ts.isAfter(click.ts) && !c.ts.isBefore(click.ts.minusMinutes(1))).count();
            expected.add(click.user + "," + TIME.format(click.ts) + "," + inTheMinuteBefore);
        }
        assertThat(rows).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void matchRecognizeFindsAUserOpeningTheSamePageTwiceInARow() throws Exception {
        List<String> rows = sql.lines("""
                SELECT user_id, url, DATE_FORMAT(first_ts, 'HH:mm:ss.SSS'), DATE_FORMAT(again_ts, 'HH:mm:ss.SSS')
                FROM clicks MATCH_RECOGNIZE (
                  PARTITION BY user_id ORDER BY ts
                  MEASURES A.url AS url, A.ts AS first_ts, B.ts AS again_ts
                  ONE ROW PER MATCH AFTER MATCH SKIP PAST LAST ROW
                  PATTERN (A B)
                  DEFINE B AS B.url = A.url)""");

        List<String> expected = new ArrayList<>();
        Map<String, List<Click>> byUser = clicks.stream().collect(Collectors.groupingBy(Click::user));
        byUser.forEach((user, theirs) -> {
            List<Click> inOrder = theirs.stream().sorted(Comparator.comparing(Click::ts)).toList();
            for (int i = 0; i + 1 < inOrder.size(); i++) {
                if (inOrder.get(i).url.equals(inOrder.get(i + 1).url)) {
                    expected.add(user + "," + inOrder.get(i).url + "," + TIME.format(inOrder.get(i).ts) + "," + TIME.format(inOrder.get(i + 1).ts));
                    i++; // past the match's last row
                }
            }
        });
        assertThat(expected).as("the test data has pages opened twice in a row").isNotEmpty();
        assertThat(rows).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void windowsOverArrivalTimeHoldEveryClick() throws Exception {
        List<String> tumbling = sql.lines("""
                SELECT DATE_FORMAT(window_start, 'yyyy-MM-dd HH:mm'), COUNT(*)
                FROM TABLE(TUMBLE(TABLE clicks_as_they_arrived, DESCRIPTOR(arrived), INTERVAL '1' MINUTE))
                GROUP BY window_start, window_end""");
        // The clicks were put within seconds: each user's make one session of arrival, whenever their event times.
        List<String> sessions = sql.lines("""
                SELECT user_id, COUNT(*)
                FROM TABLE(SESSION(TABLE clicks_as_they_arrived PARTITION BY user_id, DESCRIPTOR(arrived), INTERVAL '10' MINUTE))
                GROUP BY user_id, window_start, window_end""");

        DateTimeFormatter minute = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);
        String first = minute.format(putFrom);
        String last = minute.format(putUntil);
        assertThat(tumbling).allSatisfy(row -> assertThat(row.split(",")[0]).as("the minute of a window").isBetween(first, last));
        assertThat(tumbling.stream().mapToLong(row -> Long.parseLong(row.split(",")[1])).sum()).isEqualTo(clicks.size());
        Map<String, Long> perUser = clicks.stream().collect(Collectors.groupingBy(Click::user, Collectors.counting()));
        assertThat(sessions).containsExactlyInAnyOrderElementsOf(
                perUser.entrySet().stream().map(e -> e.getKey() + "," + e.getValue()).toList());
    }

    @Test
    void aTemporalJoinPricesEachOrderAtTheRateOfItsTime() throws Exception {
        StreamData.create(kinesis, "wj-rates", 1);
        StreamData.create(kinesis, "wj-orders", 2);
        put("wj-rates", "currency",
                "{\"currency\":\"EUR\",\"rate\":1.10,\"ts\":\"2026-11-26 00:00:00.000\"}",
                "{\"currency\":\"GBP\",\"rate\":1.30,\"ts\":\"2026-11-26 00:00:00.000\"}",
                "{\"currency\":\"GBP\",\"rate\":1.25,\"ts\":\"2026-11-26 00:03:00.000\"}",
                "{\"currency\":\"EUR\",\"rate\":1.20,\"ts\":\"2026-11-26 00:05:00.000\"}",
                "{\"currency\":\"EUR\",\"rate\":1.00,\"ts\":\"2026-11-26 01:00:00.000\"}");
        put("wj-orders", "order_id",
                "{\"order_id\":\"o1\",\"currency\":\"EUR\",\"amount\":10.00,\"ts\":\"2026-11-26 00:01:00.000\"}",
                "{\"order_id\":\"o2\",\"currency\":\"GBP\",\"amount\":20.00,\"ts\":\"2026-11-26 00:02:00.000\"}",
                "{\"order_id\":\"o3\",\"currency\":\"GBP\",\"amount\":30.00,\"ts\":\"2026-11-26 00:04:00.000\"}",
                "{\"order_id\":\"o4\",\"currency\":\"EUR\",\"amount\":40.00,\"ts\":\"2026-11-26 00:06:00.000\"}",
                "{\"order_id\":\"o5\",\"currency\":\"USD\",\"amount\":50.00,\"ts\":\"2026-11-26 00:07:00.000\"}");
        sql.run("""
                CREATE TEMPORARY TABLE rates (currency STRING, rate DECIMAL(10, 2), ts TIMESTAMP(3),
                  WATERMARK FOR ts AS ts) WITH ('connector' = 'runnel', 'stream' = 'wj-rates', 'format' = 'json', 'scan.bounded' = 'true')""");
        sql.run("""
                CREATE TEMPORARY TABLE orders (order_id STRING, currency STRING, amount DECIMAL(10, 2), ts TIMESTAMP(3),
                  WATERMARK FOR ts AS ts) WITH ('connector' = 'runnel', 'stream' = 'wj-orders', 'format' = 'json', 'scan.bounded' = 'true')""");
        // An append-only stream of rates becomes a versioned table by keeping each currency's latest row.
        sql.run("""
                CREATE TEMPORARY VIEW versioned_rates AS
                SELECT currency, rate, ts FROM (
                  SELECT *, ROW_NUMBER() OVER (PARTITION BY currency ORDER BY ts DESC) AS row_num FROM rates)
                WHERE row_num = 1""");

        List<String> rows = sql.lines("""
                SELECT o.order_id, r.rate, o.amount * r.rate
                FROM orders AS o JOIN versioned_rates FOR SYSTEM_TIME AS OF o.ts AS r ON o.currency = r.currency""");

        assertThat(rows).containsExactlyInAnyOrder("o1,1.1,11", "o2,1.3,26", "o3,1.25,37.5", "o4,1.2,48");
    }

    private static void put(String stream, String keyField, String... records) throws IOException {
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (String record : records) {
            entries.add(PutRecordsRequestEntry.builder().partitionKey(JSON.readTree(record).path(keyField).asText())
                    .data(SdkBytes.fromUtf8String(record)).build());
        }
        StreamData.put(kinesis, stream, entries);
    }

    private static List<String> lines(Map<LocalDateTime, Long> counts) {
        return counts.entrySet().stream().map(e -> TIME.format(e.getKey()) + "," + e.getValue()).toList();
    }

    private static LocalDateTime floor(LocalDateTime ts, Duration size) {
        LocalDateTime day = ts.truncatedTo(ChronoUnit.DAYS);
        long millis = Duration.between(day, ts).toMillis();
        return day.plus(Duration.ofMillis(millis - millis % size.toMillis()));
    }

    private static Click click(String line) {
        try {
            JsonNode click = JSON.readTree(line);
            return new Click(click.path("user_id").asText(), click.path("url").asText(),
                    LocalDateTime.parse(click.path("ts").asText(), TS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
