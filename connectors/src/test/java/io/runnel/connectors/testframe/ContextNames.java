package io.runnel.connectors.testframe;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/** Stream names and records for the cases of Flink's connector test suites. */
final class ContextNames {

    private static final AtomicInteger CASES = new AtomicInteger();

    private ContextNames() {
    }

    /** A stream name of its own for each case; the suite runs a case once per semantic. */
    static String streamFor(String testName) {
        String name = testName.replaceAll("[^a-zA-Z0-9_.-]", "-");
        return "suite-" + CASES.incrementAndGet() + "-" + name.substring(0, Math.min(name.length(), 60));
    }

    /** Between 100 and 300 records, each unique: a prefix, its position, and random text. */
    static List<String> randomRecords(String prefix, long seed) {
        Random random = new Random(seed);
        int count = 100 + random.nextInt(201);
        List<String> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            StringBuilder text = new StringBuilder();
            for (int c = random.nextInt(40); c >= 0; c--) {
                text.append((char) ('a' + random.nextInt(26)));
            }
            records.add(prefix + "-" + seed + "-" + i + "-" + text);
        }
        return records;
    }
}
