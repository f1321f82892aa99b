package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORParser;
import io.runnel.server.testing.Clients;
import io.runnel.server.testing.RunnelServerExtension;
import io.runnel.server.testing.SignedRequests;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Whole responses, byte for byte, one table per operation in {@code conformance/kinesis/<Operation>.txt}: each case a
 * request body, the HTTP status and the exact body Kinesis answers with. Every table runs twice, in JSON and in CBOR;
 * the CBOR answer is decoded and written as JSON, so that one table serves both, after its blobs and timestamps are
 * checked to be CBOR's own types. Each table works on streams of its own, so it reads the same run alone or in any order.
 * <p>
 * In an expected body, {@code {{kind}}} stands for what differs from run to run and {@code {{kind:name}}} also keeps
 * it for later cases of the table, where a request says {@code {{name}}}. Kinds: {@code sequence} (56 digits),
 * {@code timestamp} (epoch seconds in JSON, milliseconds in CBOR), {@code iterator}, {@code number}, {@code text}
 * (within a JSON string), {@code status} (CREATING or ACTIVE, for a consumer that becomes ACTIVE as time passes). A
 * request's {@code {{format}}} is {@code json} or {@code cbor}, so that a table makes streams of its own for each run.
 */
@ExtendWith(RunnelServerExtension.class)
class ConformanceTest {

    private static final String[] OPERATIONS = {"AddTagsToStream", "CreateStream", "DecreaseStreamRetentionPeriod",
            "DeleteStream", "DeregisterStreamConsumer", "DescribeLimits", "DescribeStream", "DescribeStreamConsumer",
            "DescribeStreamSummary", "DisableEnhancedMonitoring", "EnableEnhancedMonitoring", "GetRecords", "GetShardIterator",
            "IncreaseStreamRetentionPeriod", "ListShards", "ListStreamConsumers", "ListStreams", "ListTagsForResource",
            "ListTagsForStream", "MergeShards", "PutRecord", "PutRecords", "RegisterStreamConsumer", "RemoveTagsFromStream",
            "SplitShard", "SubscribeToShard", "TagResource", "UntagResource", "UpdateShardCount", "UpdateStreamMode"};
    /** Streams the tables share: made once, here, so that a table reads as requests and answers alone. */
    static final String STREAM = "conformance";
    static final String READ_STREAM = "conformance-read";
    private static final Map<String, Integer> STREAMS_OF_EACH_RUN = Map.ofEntries(Map.entry("conformance-tags-", 1),
            Map.entry("conformance-doomed-", 1), Map.entry("conformance-retention-", 1), Map.entry("conformance-reshard-", 2),
            Map.entry("conformance-split-", 1), Map.entry("conformance-scale-", 1), Map.entry("conformance-consumers-", 1),
            Map.entry("conformance-kept-", 1), Map.entry("conformance-monitored-", 1), Map.entry("conformance-mode-", 1),
            Map.entry("conformance-resource-", 1), Map.entry("conformance-listtags-", 1), Map.entry("conformance-untag-", 1),
            Map.entry("conformance-unmonitored-", 1), Map.entry("conformance-unresource-", 1), Map.entry("conformance-shorten-", 1),
            Map.entry("conformance-subscribe-", 1));

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(\\w+)(?::(\\w+))?}}");
    private static final Map<String, String> KINDS = Map.of("sequence", "\\d{56}",
            "iterator", "[A-Za-z0-9+/=]+", "number", "\\d+", "text", "[^\"]*", "status", "CREATING|ACTIVE");

    private static final long DAY_MS = 86_400_000L;

    private static KinesisClient kinesis;

    record Case(String title, String operation, String request, int status, String expected) {
    }

    @BeforeAll
    static void streams() {
        kinesis = Clients.sync(RunnelServerExtension.server().endpoint(), true);
        kinesis.createStream(b -> b.streamName(STREAM).shardCount(3));
        kinesis.createStream(b -> b.streamName(READ_STREAM).shardCount(1));
        List<String> names = new ArrayList<>(List.of(STREAM, READ_STREAM));
        for (String format : List.of("json", "cbor")) {
            STREAMS_OF_EACH_RUN.forEach((prefix, shards) -> {
                kinesis.createStream(b -> b.streamName(prefix + format).shardCount(shards));
                names.add(prefix + format);
            });
        }
        for (String name : names) {
            await().atMost(Duration.ofSeconds(30)).until(() -> kinesis.describeStreamSummary(b -> b.streamName(name))
                    .streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
        }
        // SubscribeToShard's table needs an ACTIVE consumer: one that is still CREATING would be refused for that.
        for (String format : List.of("json", "cbor")) {
            String streamArn = kinesis.describeStreamSummary(b -> b.streamName("conformance-subscribe-" + format))
                    .streamDescriptionSummary().streamARN();
            String arn = kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("subscriber")).consumer().consumerARN();
            await().atMost(Duration.ofSeconds(30)).until(() -> kinesis.describeStreamConsumer(b -> b.consumerARN(arn))
                    .consumerDescription().consumerStatus() == ConsumerStatus.ACTIVE);
        }
        // The one record GetRecords' table reads: in a stream of its own, which no other table writes to.
        kinesis.putRecord(b -> b.streamName(READ_STREAM).partitionKey("k").data(SdkBytes.fromUtf8String("conformance")));
    }

    @AfterAll
    static void close() {
        kinesis.close();
    }

    @TestFactory
    Stream<DynamicNode> everyOperationAnswersAsKinesisDoes() {
        return Stream.of(OPERATIONS).map(operation -> {
            List<Case> cases = table(operation);
            List<DynamicNode> runs = new ArrayList<>();
            for (String format : List.of("json", "cbor")) {
                Map<String, String> kept = new HashMap<>(Map.of("format", format));
                List<DynamicTest> tests = new ArrayList<>();
                for (Case c : cases) {
                    tests.add(DynamicTest.dynamicTest(c.title(), () -> check(format, c, kept)));
                }
                runs.add(DynamicContainer.dynamicContainer(format, tests));
            }
            return DynamicContainer.dynamicContainer(operation, runs);
        });
    }

    @org.junit.jupiter.api.Test
    void everyOperationHasATable() {
        URL folder = ConformanceTest.class.getResource("/conformance/kinesis");
        assertThat(folder).isNotNull();
        try (Stream<Path> files = Files.list(Path.of(folder.toURI()))) {
            assertThat(files.map(f -> f.getFileName().toString().replace(".txt", ""))).containsExactlyInAnyOrder(OPERATIONS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        for (String operation : OPERATIONS) {
            assertThat(table(operation)).as(operation).isNotEmpty();
        }
    }

    private static void check(String format, Case c, Map<String, String> kept) throws Exception {
        boolean cbor = format.equals("cbor");
        String contentType = cbor ? "application/x-amz-cbor-1.1" : "application/x-amz-json-1.1";
        String requestJson = substitute(c.request(), kept);
        byte[] body = cbor ? CBOR.writeValueAsBytes(JSON.readTree(requestJson)) : requestJson.getBytes(StandardCharsets.UTF_8);
        HttpRequest request = SignedRequests.post(RunnelServerExtension.server().endpoint(),
                        Map.of("Content-Type", contentType, "X-Amz-Target", "Kinesis_20131202." + c.operation()), body, "kinesis")
                .timeout(Duration.ofSeconds(30)).build();
        // Bounded as a whole: a request answered with an event stream by mistake would otherwise be read for minutes.
        HttpResponse<byte[]> response = HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).get(60, TimeUnit.SECONDS);
        String answer = cbor && response.body().length > 0
                ? JSON.writeValueAsString(CBOR.readTree(response.body()))
                : new String(response.body(), StandardCharsets.UTF_8);
        assertThat(response.statusCode()).as("HTTP status of %s", answer).isEqualTo(c.status());
        if (cbor) {
            checkCborTypes(response.body());
        }
        assertThat(response.headers().firstValue("Content-Type")).as("content type").hasValue(contentType);
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile(expectedPattern(c.expected(), cbor, kept, names)).matcher(answer);
        assertThat(m.matches()).as("%s%n  answered: %s%n  expected: %s", c.title(), answer, c.expected()).isTrue();
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i) != null) {
                kept.put(names.get(i), m.group(i + 1));
            }
        }
    }

    /**
     * What writing CBOR as JSON hides: a blob is a byte string, and a timestamp is tagged as one (tag 1) and counts
     * milliseconds, as the AWS SDK for Java reads it.
     */
    private static void checkCborTypes(byte[] body) throws IOException {
        if (body.length == 0) {
            return;
        }
        long now = System.currentTimeMillis();
        try (CBORParser p = (CBORParser) CBOR.getFactory().createParser(body)) {
            String field = null;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.FIELD_NAME) {
                    field = p.currentName();
                    continue;
                }
                if ("Data".equals(field)) {
                    assertThat(t).as("Data in CBOR").isEqualTo(JsonToken.VALUE_EMBEDDED_OBJECT);
                } else if (field != null && field.endsWith("Timestamp")) {
                    assertThat(p.getCurrentTag()).as("CBOR tag of %s", field).isEqualTo(1);
                    assertThat(p.getLongValue()).as("%s in milliseconds", field).isBetween(now - DAY_MS, now + DAY_MS);
                }
                field = null;
            }
        }
    }

    /** The expected body as a regular expression: literal text, and a group for each placeholder. */
    private static String expectedPattern(String expected, boolean cbor, Map<String, String> kept, List<String> names) {
        StringBuilder pattern = new StringBuilder();
        Matcher m = PLACEHOLDER.matcher(expected);
        int at = 0;
        while (m.find()) {
            pattern.append(Pattern.quote(expected.substring(at, m.start())));
            String kind = m.group(1);
            if (kind.equals("timestamp")) {
                // Epoch seconds in JSON (to the millisecond); milliseconds in CBOR.
                pattern.append(cbor ? "(\\d{13})" : "(\\d{10}(?:\\.\\d{1,3})?)");
                names.add(m.group(2));
            } else if (KINDS.containsKey(kind)) {
                pattern.append('(').append(KINDS.get(kind)).append(')');
                names.add(m.group(2));
            } else {
                pattern.append('(').append(Pattern.quote(value(kept, kind))).append(')');
                names.add(null);
            }
            at = m.end();
        }
        return pattern.append(Pattern.quote(expected.substring(at))).toString();
    }

    private static String substitute(String request, Map<String, String> kept) {
        return PLACEHOLDER.matcher(request).replaceAll(r -> Matcher.quoteReplacement(value(kept, r.group(1))));
    }

    private static String value(Map<String, String> kept, String name) {
        String value = kept.get(name);
        if (value == null) {
            throw new IllegalStateException("no earlier case kept {{" + name + "}}");
        }
        return value;
    }

    /**
     * Reads a table: {@code === title}, the request body, {@code --- status}, the expected body (empty for none);
     * lines starting with {@code #} before the first case are its preface. A request that starts with a line
     * {@code > Operation} is sent to that operation instead: a step that sets up the table's next cases.
     */
    static List<Case> table(String operation) {
        String text;
        try (InputStream in = ConformanceTest.class.getResourceAsStream("/conformance/kinesis/" + operation + ".txt")) {
            if (in == null) {
                throw new IllegalStateException("no conformance table for " + operation);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Case> cases = new ArrayList<>();
        for (String block : text.split("(?m)^=== ")) {
            if (block.isBlank() || block.startsWith("#")) {
                continue;
            }
            int titleEnd = block.indexOf('\n');
            String title = block.substring(0, titleEnd).trim();
            String[] parts = block.substring(titleEnd + 1).split("(?m)^--- ", 2);
            if (parts.length != 2) {
                throw new IllegalStateException(operation + ": case '" + title + "' has no '--- status' line");
            }
            int statusEnd = parts[1].indexOf('\n');
            String status = (statusEnd < 0 ? parts[1] : parts[1].substring(0, statusEnd)).trim();
            String expected = statusEnd < 0 ? "" : parts[1].substring(statusEnd + 1).strip();
            String request = parts[0].strip();
            String target = operation;
            if (request.startsWith("> ")) {
                int end = request.indexOf('\n');
                target = request.substring(2, end).trim();
                request = request.substring(end + 1).strip();
            }
            cases.add(new Case(title, target, request, Integer.parseInt(status), expected));
        }
        return cases;
    }
}
