package io.runnel.bench;

import com.amazon.randomcutforest.RandomCutForest;
import io.runnel.sql.RunnelFunctions;
import io.runnel.sql.functions.Hotspots;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * RANDOM_CUT_FOREST in Flink SQL (100 trees, a sample of 256, 4 numeric columns, 4 keys), against a plain Java
 * loop that feeds the library's forests the same rows, in the same run; then HOTSPOTS on 2-D points with a window
 * of 1,000 against the same search called in a loop. Both sides on one thread: Flink at parallelism 1.
 */
final class ForestBench {

    private static final int ROWS = 100_000;
    private static final int KEYS = 4;
    private static final int ROUNDS = 5;

    private ForestBench() {
    }

    static void run() throws Exception {
        System.out.println("Runnel bench: sql forest (" + Runtime.getRuntime().availableProcessors() + " cores; Flink in this JVM)");
        double[] sqlRates = new double[ROUNDS];
        double[] loopRates = new double[ROUNDS];
        double[] ratios = new double[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            double[] rates = inTurn(round, ForestBench::sql, ForestBench::loop);
            sqlRates[round] = rates[0];
            loopRates[round] = rates[1];
            ratios[round] = sqlRates[round] / loopRates[round];
            System.out.printf("  round %d: RANDOM_CUT_FOREST %,.0f rows/s, the library in a loop %,.0f rows/s, ratio %.2f%n", round + 1,
                    sqlRates[round], loopRates[round], ratios[round]);
        }
        double ratio = ConnectorBench.median(ratios);
        System.out.println();
        System.out.printf("RANDOM_CUT_FOREST, 100 trees, sample 256, 4 columns, 4 keys, parallelism 1:  %,.0f rows/s (median of %d)%n",
                ConnectorBench.median(sqlRates), ROUNDS);
        System.out.printf("the library's RandomCutForest called in a Java loop on the same rows:       %,.0f rows/s (median of %d)%n",
                ConnectorBench.median(loopRates), ROUNDS);
        System.out.printf("ratio SQL / loop, median of the rounds' ratios:                             %.2f   (floor 0.70: %s)%n", ratio,
                ratio >= 0.7 ? "met" : "NOT met");

        double[] hotspotRates = new double[ROUNDS];
        double[] hotspotLoopRates = new double[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            double[] rates = inTurn(round, ForestBench::hotspotsSql, ForestBench::hotspotsLoop);
            hotspotRates[round] = rates[0];
            hotspotLoopRates[round] = rates[1];
            System.out.printf("  round %d: HOTSPOTS %,.0f rows/s, the same search in a loop %,.0f rows/s%n", round + 1,
                    hotspotRates[round], hotspotLoopRates[round]);
        }
        System.out.println();
        System.out.printf("HOTSPOTS, 2-D points, window 1,000, parallelism 1:              %,.0f rows/s (median of %d)%n",
                ConnectorBench.median(hotspotRates), ROUNDS);
        System.out.printf("the same window search called in a Java loop on the same rows:  %,.0f rows/s (median of %d)%n",
                ConnectorBench.median(hotspotLoopRates), ROUNDS);
    }

    /** A run that measures rows per second. */
    private interface Rate {
        double measure() throws Exception;
    }

    /**
     * Both runs' rates, SQL's first; which runs first alternates with the round, so that neither always meets a
     * warmer or a busier machine.
     */
    private static double[] inTurn(int round, Rate sql, Rate loop) throws Exception {
        if (round % 2 == 0) {
            double first = sql.measure();
            return new double[] {first, loop.measure()};
        }
        double first = loop.measure();
        return new double[] {sql.measure(), first};
    }

    /**
     * Rows per second of an INSERT over a view of {@code rows} generated rows, at parallelism 1 with Runnel's
     * functions loaded, from the job's net run time.
     */
    private static double sqlRate(String view, TypeInformation<Row> type, GeneratorFunction<Long, Row> generator, int rows,
                                  String sink, String insert) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        tables.loadModule(RunnelFunctions.MODULE, new RunnelFunctions());
        DataGeneratorSource<Row> source = new DataGeneratorSource<>(generator, rows, RateLimiterStrategy.noOp(), type);
        tables.createTemporaryView(view, tables.fromDataStream(env.fromSource(source, WatermarkStrategy.noWatermarks(), view)
                .returns(type)));
        tables.executeSql(sink);
        TableResult result = tables.executeSql(insert);
        long runtime = result.getJobClient().orElseThrow().getJobExecutionResult().get().getNetRuntime(TimeUnit.MILLISECONDS);
        return rows / (runtime / 1000.0);
    }

    /** Rows per run; the first 1,000 fill the window, and the job's start is timed too, as in the loop's first rows. */
    private static final int HOTSPOT_ROWS = 8_000;

    /** A 2-D point, the same for the same index: scattered, and one in three in a small square. */
    static Row point(long index) {
        Random random = new Random(index);
        boolean dense = index % 3 == 0;
        return Row.of("r1", dense ? 2 + random.nextDouble() * 0.5 : random.nextDouble() * 10,
                dense ? 2 + random.nextDouble() * 0.5 : random.nextDouble() * 10);
    }

    private static double hotspotsSql() throws Exception {
        return sqlRate("points", Types.ROW_NAMED(new String[] {"region", "x", "y"}, Types.STRING, Types.DOUBLE, Types.DOUBLE),
                ForestBench::point, HOTSPOT_ROWS,
                "CREATE TEMPORARY TABLE found (region STRING, hotspots_result STRING) WITH ('connector' = 'blackhole')",
                "INSERT INTO found SELECT region, hotspots_result FROM HOTSPOTS(input => TABLE points PARTITION BY region, "
                        + "columns => DESCRIPTOR(x, y), window_size => 1000, scan_radius => 0.2, minimum_number_of_points => 17)");
    }

    private static double hotspotsLoop() {
        double[][] window = new double[1000][];
        long length = 0;
        long start = System.nanoTime();
        for (long i = 0; i < HOTSPOT_ROWS; i++) {
            Row row = point(i);
            window[(int) (i % window.length)] = new double[] {(Double) row.getField(1), (Double) row.getField(2)};
            List<double[]> points = new ArrayList<>();
            for (double[] p : window) {
                if (p != null) {
                    points.add(p);
                }
            }
            length += Hotspots.json(Hotspots.find(points, 0.2, 17)).length();
        }
        long nanos = System.nanoTime() - start;
        if (length == 0) {
            throw new IllegalStateException("no results");
        }
        return HOTSPOT_ROWS / (nanos / 1e9);
    }

    /** Row {@code index}: a key and four readings, the same every time. */
    static Row row(long index) {
        double t = index / (double) KEYS;
        return Row.of("sensor-" + index % KEYS, Math.sin(t / 50), Math.cos(t / 70) * 3, (index * 7919 % 101) / 10.0,
                index % 1000 == 0 ? 40.0 : Math.sin(t / 20) * 2);
    }

    private static double sql() throws Exception {
        return sqlRate("metrics", Types.ROW_NAMED(new String[] {"sensor", "a", "b", "c", "d"}, Types.STRING, Types.DOUBLE,
                        Types.DOUBLE, Types.DOUBLE, Types.DOUBLE), ForestBench::row, ROWS,
                "CREATE TEMPORARY TABLE scores (sensor STRING, anomaly_score DOUBLE) WITH ('connector' = 'blackhole')",
                "INSERT INTO scores SELECT sensor, anomaly_score FROM RANDOM_CUT_FOREST("
                        + "input => TABLE metrics PARTITION BY sensor, columns => DESCRIPTOR(a, b, c, d))");
    }

    private static double loop() {
        RandomCutForest[] forests = new RandomCutForest[KEYS];
        for (int k = 0; k < KEYS; k++) {
            forests[k] = RandomCutForest.builder().dimensions(4).shingleSize(1).internalShinglingEnabled(true).numberOfTrees(100)
                    .sampleSize(256).timeDecay(1.0 / 100_000).randomSeed(42).build();
        }
        double sum = 0;
        long start = System.nanoTime();
        for (long i = 0; i < ROWS; i++) {
            Row row = row(i);
            double[] point = {(Double) row.getField(1), (Double) row.getField(2), (Double) row.getField(3), (Double) row.getField(4)};
            RandomCutForest forest = forests[(int) (i % KEYS)];
            sum += forest.getAnomalyScore(point);
            forest.update(point);
        }
        long nanos = System.nanoTime() - start;
        if (Double.isNaN(sum)) {
            throw new IllegalStateException("NaN scores");
        }
        return ROWS / (nanos / 1e9);
    }
}
