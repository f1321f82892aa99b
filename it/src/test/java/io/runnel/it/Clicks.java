package io.runnel.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** testdata/'s clicks (JSON, one per line) and their checked-in count per user and minute. */
final class Clicks {

    static final Path TESTDATA = RunnelProcess.ROOT.resolve("testdata");
    private static final ObjectMapper JSON = new ObjectMapper();

    private Clicks() {
    }

    static List<String> all() throws IOException {
        return Files.readAllLines(TESTDATA.resolve("clicks.jsonl"));
    }

    /** Puts clicks into a stream, each keyed by its user, as a producer of clicks would. */
    static void put(KinesisClient kinesis, String stream, List<String> clicks) {
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (String click : clicks) {
            entries.add(PutRecordsRequestEntry.builder().partitionKey(userOf(click)).data(SdkBytes.fromUtf8String(click)).build());
        }
        StreamData.put(kinesis, stream, entries);
    }

    static String userOf(String click) {
        return parse(click).path("user_id").asText();
    }

    /** The checked-in answer: {@code window_start,user_id,clicks} for each user and minute. */
    static List<String> perMinute() throws IOException {
        List<String> lines = Files.readAllLines(TESTDATA.resolve("clicks-per-minute.csv"));
        return lines.subList(1, lines.size());
    }

    /** A per-minute count written as JSON, in the form of {@link #perMinute()}. */
    static String perMinuteRow(String json) {
        JsonNode row = parse(json);
        return row.path("window_start").asText() + "," + row.path("user_id").asText() + "," + row.path("clicks").asLong();
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
