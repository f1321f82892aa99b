package io.runnel.sql.functions;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiter;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the functions keep lives in Flink state: a job stopped with a savepoint (for a forest, past its first
 * snapshot) and started again from it gives every later point exactly the result of a job that never stopped.
 */
class RandomCutForestRestoreTest {

    /** Results each run saw, by sequence number. */
    private static final Map<String, Map<Integer, List<Object>>> RESULTS = new ConcurrentHashMap<>();

    @TempDir
    Path dir;

    @Test
    void scoresAfterAStopWithSavepointAndAStartEqualThoseOfAnUninterruptedRun() throws Exception {
        assertRestartChangesNothing("forest", ForestState.SNAPSHOT_EVERY + 20_000, ForestState.SNAPSHOT_EVERY + 5_000,
                "SELECT seq, anomaly_score AS outcome FROM RANDOM_CUT_FOREST(input => TABLE metrics PARTITION BY sensor, "
                        + "columns => DESCRIPTOR(reading), number_of_trees => 30)");
    }

    @Test
    void hotspotsAfterAStopWithSavepointAndAStartEqualThoseOfAnUninterruptedRun() throws Exception {
        assertRestartChangesNothing("hotspots", 3_000, 1_500,
                "SELECT seq, hotspots_result AS outcome FROM HOTSPOTS(input => TABLE metrics PARTITION BY sensor, "
                        + "columns => DESCRIPTOR(reading, other), window_size => 200, scan_radius => 1.0, minimum_number_of_points => 8)");
        assertThat(results("hotspots-uninterrupted").values()).as("results that found a hotspot")
                .anySatisfy(result -> assertThat(result.get(0).toString()).contains("density"));
    }

    private void assertRestartChangesNothing(String name, int points, int stopAfter, String query) throws Exception {
        String uninterruptedRun = name + "-uninterrupted";
        String restartedRun = name + "-restarted";
        run(uninterruptedRun, null, points, points, query).getJobExecutionResult().get(5, TimeUnit.MINUTES);
        assertThat(results(uninterruptedRun)).hasSize(points);

        JobClient first = run(restartedRun, null, stopAfter, points, query);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (results(restartedRun).size() < stopAfter) {
            assertThat(System.nanoTime()).as("points seen before the stop").isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        String savepoint = first.stopWithSavepoint(false, dir.toUri().toString(), SavepointFormatType.CANONICAL).get(5, TimeUnit.MINUTES);
        assertThat(results(restartedRun).size()).isLessThan(points);
        run(restartedRun, savepoint, points, points, query).getJobExecutionResult().get(5, TimeUnit.MINUTES);

        Map<Integer, List<Object>> uninterrupted = results(uninterruptedRun);
        Map<Integer, List<Object>> restarted = results(restartedRun);
        assertThat(restarted).hasSize(points);
        // Each point seen once: the second job went on from the savepoint rather than from the beginning.
        for (int seq = 0; seq < points; seq++) {
            assertThat(restarted.get(seq)).as("results of point %d", seq).containsExactly(uninterrupted.get(seq).get(0));
        }
    }

    private static Map<Integer, List<Object>> results(String run) {
        return RESULTS.computeIfAbsent(run, r -> new ConcurrentHashMap<>());
    }

    /** @param fastPoints how many points the source emits at full speed before it slows to a trickle (or all) */
    private static JobClient run(String name, String savepoint, long fastPoints, int points, String query) throws Exception {
        Configuration conf = new Configuration();
        if (savepoint != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        StreamTableEnvironment tables = Tables.withRunnelFunctions(env);
        TypeInformation<Row> type = Types.ROW_NAMED(new String[] {"sensor", "seq", "reading", "other"}, Types.STRING, Types.INT,
                Types.DOUBLE, Types.DOUBLE);
        DataGeneratorSource<Row> source = new DataGeneratorSource<>(RandomCutForestRestoreTest::point, points,
                slowAfter(fastPoints), type);
        tables.createTemporaryView("metrics", tables.fromDataStream(
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "metrics").uid("metrics").returns(type)));
        Table results = tables.sqlQuery(query);
        tables.toDataStream(results).sinkTo(new Collect(name)).uid("collect");
        return env.executeAsync(name);
    }

    /**
     * Full speed for the first {@code fast} points, then 20 points a second: the stop with savepoint finds the
     * job running however slow the machine.
     */
    private static RateLimiterStrategy<?> slowAfter(long fast) {
        return parallelism -> new RateLimiter<>() {
            private long emitted;

            @Override
            public CompletionStage<Void> acquire(int permits) {
                emitted += permits;
                return emitted <= fast ? CompletableFuture.completedFuture(null)
                        : CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));
            }
        };
    }

    /** A point of a noisy sine wave with a spike now and then, and a second reading; the same for the same index. */
    private static Row point(long index) {
        Random random = new Random(index);
        double value = 10 * Math.sin(index * 2 * Math.PI / 100) + random.nextGaussian() + (index % 997 == 0 ? 25 : 0);
        return Row.of("s1", (int) index, value, random.nextGaussian());
    }

    private record Collect(String run) implements Sink<Row> {
        @Override
        public SinkWriter<Row> createWriter(WriterInitContext context) {
            Map<Integer, List<Object>> results = results(run);
            return new SinkWriter<>() {
                @Override
                public void write(Row row, Context context) {
                    results.computeIfAbsent((Integer) row.getField("seq"), s -> new CopyOnWriteArrayList<>())
                            .add(row.getField("outcome"));
                }

                @Override
                public void flush(boolean endOfInput) {
                }

                @Override
                public void close() {
                }
            };
        }
    }
}
