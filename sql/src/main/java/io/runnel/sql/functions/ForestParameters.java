package io.runnel.sql.functions;

import com.amazon.randomcutforest.RandomCutForest;
import org.apache.flink.types.ColumnList;

/**
 * A forest's parameters as Kinesis Data Analytics took them, with its defaults: 100 trees, a sample of 256 points,
 * a time decay of 100,000 (the number of recent points that weigh most; the forest's decay rate is its inverse)
 * and shingles of 1.
 */
record ForestParameters(int dimensions, int numberOfTrees, int subSampleSize, int timeDecay, int shingleSize) {

    static final int DEFAULT_TREES = 100;
    static final int DEFAULT_SAMPLE_SIZE = 256;
    static final int DEFAULT_TIME_DECAY = 100_000;
    static final int DEFAULT_SHINGLE_SIZE = 1;
    /** The seed of every forest, so that a score depends on the rows alone. */
    static final long SEED = 42;

    /** @param function the function's name, which starts every message */
    static ForestParameters of(String function, int dimensions, Integer numberOfTrees, Integer subSampleSize, Integer timeDecay,
                               Integer shingleSize) {
        ForestParameters p = new ForestParameters(dimensions, orDefault(numberOfTrees, DEFAULT_TREES),
                orDefault(subSampleSize, DEFAULT_SAMPLE_SIZE), orDefault(timeDecay, DEFAULT_TIME_DECAY),
                orDefault(shingleSize, DEFAULT_SHINGLE_SIZE));
        check(function, p.numberOfTrees, 1, 1000, "number_of_trees");
        check(function, p.subSampleSize, 10, 1000, "sub_sample_size");
        check(function, p.timeDecay, 1, Integer.MAX_VALUE, "time_decay");
        check(function, p.shingleSize, 1, 30, "shingle_size");
        if (dimensions < 1) {
            throw new IllegalArgumentException(function + ": the DESCRIPTOR must name at least one column.");
        }
        return p;
    }

    /** The checks of {@link #of} on a call's literal arguments, when its statement is planned. */
    static void check(String function, PlanningChecks.Arguments call) {
        ColumnList columns = call.get("columns", ColumnList.class);
        of(function, columns == null ? 0 : columns.getNames().size(), call.get("number_of_trees", Integer.class),
                call.get("sub_sample_size", Integer.class), call.get("time_decay", Integer.class),
                call.get("shingle_size", Integer.class));
    }

    RandomCutForest build() {
        return RandomCutForest.builder()
                .dimensions(dimensions * shingleSize)
                .shingleSize(shingleSize)
                .internalShinglingEnabled(true)
                .numberOfTrees(numberOfTrees)
                .sampleSize(subSampleSize)
                .timeDecay(1.0 / timeDecay)
                .randomSeed(SEED)
                .build();
    }

    private static int orDefault(Integer value, int fallback) {
        return value == null ? fallback : value;
    }

    private static void check(String function, int value, int min, int max, String name) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(function + ": " + name + " must be between " + min + " and "
                    + max + ", not " + value + ".");
        }
    }
}
