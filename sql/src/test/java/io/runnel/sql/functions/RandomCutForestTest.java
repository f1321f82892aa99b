package io.runnel.sql.functions;

import com.amazon.randomcutforest.RandomCutForest;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * RANDOM_CUT_FOREST in Flink SQL on a metric series with planted anomalies: it finds them, and its scores are the
 * library's own, called directly on the same series.
 */
class RandomCutForestTest {

    private static final int POINTS = 50_000;
    private static final int WARM_UP = 1_000;
    private static final int ANOMALIES = 20;

    @Test
    void scoresAreTheLibrarysAndRankThePlantedAnomaliesFirst() throws Exception {
        Random random = new Random(7);
        double[] values = new double[POINTS];
        for (int i = 0; i < POINTS; i++) {
            values[i] = 10 * Math.sin(i * 2 * Math.PI / 100) + random.nextGaussian();
        }
        Set<Integer> planted = new HashSet<>();
        while (planted.size() < ANOMALIES) {
            planted.add(WARM_UP + random.nextInt(POINTS - WARM_UP));
        }
        planted.forEach(i -> values[i] += 25);

        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < POINTS; i++) {
            rows.add(Row.of("s1", i, values[i]));
        }
        StreamTableEnvironment tables = Tables.withView("metrics", rows, "sensor", "seq", "reading");

        double[] scores = new double[POINTS];
        try (CloseableIterator<Row> results = tables.executeSql("SELECT seq, anomaly_score FROM RANDOM_CUT_FOREST("
                + "input => TABLE metrics PARTITION BY sensor, columns => DESCRIPTOR(reading))").collect()) {
            int seen = 0;
            while (results.hasNext()) {
                Row row = results.next();
                scores[(Integer) row.getField("seq")] = (Double) row.getField("anomaly_score");
                seen++;
            }
            assertThat(seen).isEqualTo(POINTS);
        }

        RandomCutForest forest = RandomCutForest.builder().dimensions(1).shingleSize(1).internalShinglingEnabled(true)
                .numberOfTrees(100).sampleSize(256).timeDecay(1.0 / 100_000).randomSeed(ForestParameters.SEED).build();
        for (int i = 0; i < POINTS; i++) {
            double[] point = {values[i]};
            assertThat(scores[i]).as("score of point %d", i).isCloseTo(forest.getAnomalyScore(point), within(1e-9));
            forest.update(point);
        }

        List<Integer> highest = IntStream.range(WARM_UP, POINTS).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> scores[i]).reversed()).limit(ANOMALIES).toList();
        assertThat(highest.stream().filter(planted::contains).count()).isGreaterThanOrEqualTo(18);
    }

    @Test
    void withoutPartitionByOneForestScoresEveryRowAsKinesisSqlDid() throws Exception {
        Random random = new Random(3);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            rows.add(Row.of(i % 2 == 0 ? "s1" : "s2", i, random.nextGaussian()));
        }
        StreamTableEnvironment tables = Tables.withView("mixed", rows, "sensor", "seq", "reading");

        double[] scores = new double[rows.size()];
        try (CloseableIterator<Row> results = tables.executeSql("SELECT seq, anomaly_score FROM RANDOM_CUT_FOREST("
                + "input => TABLE mixed, columns => DESCRIPTOR(reading))").collect()) {
            results.forEachRemaining(row -> scores[(Integer) row.getField("seq")] = (Double) row.getField("anomaly_score"));
        }

        RandomCutForest forest = RandomCutForest.builder().dimensions(1).shingleSize(1).internalShinglingEnabled(true)
                .numberOfTrees(100).sampleSize(256).timeDecay(1.0 / 100_000).randomSeed(ForestParameters.SEED).build();
        for (Row row : rows) {
            double[] point = {(Double) row.getField(2)};
            assertThat(scores[(Integer) row.getField(1)]).as("score of row %s", row).isCloseTo(forest.getAnomalyScore(point), within(1e-9));
            forest.update(point);
        }
    }

    @Test
    void anExplanationNamesTheColumnThatMadeAPointUnusualAndWhichWay() throws Exception {
        Random random = new Random(11);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            rows.add(Row.of("s1", i, random.nextGaussian(), i == 2_500 ? 15.0 : random.nextGaussian()));
        }
        StreamTableEnvironment tables = Tables.withView("pairs", rows, "sensor", "seq", "a", "b");

        Row explained = null;
        double plainScore = Double.NaN;
        try (CloseableIterator<Row> results = tables.executeSql("SELECT seq, anomaly_score, explanation FROM "
                + "RANDOM_CUT_FOREST_WITH_EXPLANATION(input => TABLE pairs PARTITION BY sensor, columns => DESCRIPTOR(a, b))").collect()) {
            while (results.hasNext()) {
                Row row = results.next();
                if ((Integer) row.getField("seq") == 2_500) {
                    explained = row;
                }
            }
        }
        try (CloseableIterator<Row> results = tables.executeSql("SELECT seq, anomaly_score FROM "
                + "RANDOM_CUT_FOREST(input => TABLE pairs PARTITION BY sensor, columns => DESCRIPTOR(a, b))").collect()) {
            while (results.hasNext()) {
                Row row = results.next();
                if ((Integer) row.getField("seq") == 2_500) {
                    plainScore = (Double) row.getField("anomaly_score");
                }
            }
        }

        assertThat(explained).isNotNull();
        double score = (Double) explained.getField("anomaly_score");
        assertThat(score).isEqualTo(plainScore).isGreaterThan(2.0);
        String explanation = (String) explained.getField("explanation");
        java.util.regex.Matcher b = java.util.regex.Pattern.compile(
                "\"b\":\\{\"DIRECTION\":\"(\\w+)\",\"STRENGTH\":\"([0-9.]+)\",\"ATTRIBUTION_SCORE\":\"([0-9.]+)\"}").matcher(explanation);
        java.util.regex.Matcher a = java.util.regex.Pattern.compile("\"a\":\\{.*?\"ATTRIBUTION_SCORE\":\"([0-9.]+)\"}").matcher(explanation);
        assertThat(b.find()).as(explanation).isTrue();
        assertThat(a.find()).as(explanation).isTrue();
        assertThat(b.group(1)).isEqualTo("HIGH");
        assertThat(Double.parseDouble(b.group(3))).isGreaterThan(4 * Double.parseDouble(a.group(1)));
        assertThat(Double.parseDouble(a.group(1)) + Double.parseDouble(b.group(3))).isCloseTo(score, within(0.01 * score));
    }
}
