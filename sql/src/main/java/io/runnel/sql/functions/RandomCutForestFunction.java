package io.runnel.sql.functions;

import com.amazon.randomcutforest.RandomCutForest;
import org.apache.flink.table.annotation.ArgumentHint;
import org.apache.flink.table.annotation.ArgumentTrait;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.StateHint;
import org.apache.flink.table.api.dataview.ListView;
import org.apache.flink.table.functions.ProcessTableFunction;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.types.ColumnList;
import org.apache.flink.types.Row;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * RANDOM_CUT_FOREST: one anomaly score per row, from a random cut forest per partition key over the numeric
 * columns the DESCRIPTOR names, scored before the row updates it, as Kinesis Data Analytics scored it.
 *
 * <pre>
 * SELECT * FROM RANDOM_CUT_FOREST(input => TABLE metrics PARTITION BY sensor, columns => DESCRIPTOR(`value`),
 *     number_of_trees => 100, sub_sample_size => 256, time_decay => 100000, shingle_size => 1)
 * </pre>
 *
 * <p>Flink keeps each forest in state as a snapshot plus the points seen since it (see {@link ForestState});
 * the forest in memory is a cache of that, rebuilt after a restart, so a restart does not change a score.
 */
@DataTypeHint("ROW<anomaly_score DOUBLE>")
public class RandomCutForestFunction extends ProcessTableFunction<Row> {

    public static final String NAME = "RANDOM_CUT_FOREST";

    private transient Map<Row, ForestState> forests;
    private transient Points points;

    public void eval(Context ctx,
                     @StateHint Progress progress,
                     @StateHint ListView<byte[]> snapshot,
                     @StateHint ListView<double[]> sinceSnapshot,
                     @ArgumentHint(value = {ArgumentTrait.SET_SEMANTIC_TABLE, ArgumentTrait.PASS_COLUMNS_THROUGH}, name = "input")
                     Row input,
                     @ArgumentHint(name = "columns", type = @DataTypeHint("DESCRIPTOR NOT NULL")) ColumnList columns,
                     @ArgumentHint(name = "number_of_trees", isOptional = true) Integer numberOfTrees,
                     @ArgumentHint(name = "sub_sample_size", isOptional = true) Integer subSampleSize,
                     @ArgumentHint(name = "time_decay", isOptional = true) Integer timeDecay,
                     @ArgumentHint(name = "shingle_size", isOptional = true) Integer shingleSize) throws Exception {
        ForestParameters parameters = ForestParameters.of(columns.getNames().size(), numberOfTrees, subSampleSize, timeDecay,
                shingleSize);
        if (points == null) {
            points = new Points(columns, ctx.tableSemanticsFor("input").dataType());
        }
        double[] point = points.of(input);
        if (point == null) {
            collect(Row.of((Double) null));
            return;
        }
        ForestState forest = forest(forests(), ctx, input, parameters, snapshot, sinceSnapshot);
        double score = forest.score(point);
        forest.update(point, progress, snapshot, sinceSnapshot);
        collect(Row.of(score));
    }

    private Map<Row, ForestState> forests() {
        if (forests == null) {
            forests = new HashMap<>();
        }
        return forests;
    }

    /** The forest of the input row's partition key: in memory, or rebuilt from its state after a restart. */
    static ForestState forest(Map<Row, ForestState> forests, Context ctx, Row input, ForestParameters parameters,
                              ListView<byte[]> snapshot, ListView<double[]> sinceSnapshot) throws Exception {
        Row key = Points.key(input, ctx.tableSemanticsFor("input").partitionByColumns());
        ForestState forest = forests.get(key);
        if (forest == null) {
            forest = ForestState.restore(parameters, snapshot, sinceSnapshot);
            forests.put(key, forest);
        }
        return forest;
    }

    /** The small part of a forest's state that changes with every row. */
    public static class Progress {
        /** Rows the forest has taken since its snapshot. */
        public long sinceSnapshot;
    }

    /** Reading the numbers a row gives a forest: the DESCRIPTOR's columns, found once. */
    static final class Points {

        private final int[] indices;

        Points(ColumnList columns, DataType inputType) {
            this(columns, inputType, NAME);
        }

        /** @param function the function's name, which starts every message */
        Points(ColumnList columns, DataType inputType, String function) {
            List<String> fields = DataType.getFieldNames(inputType);
            List<DataType> types = DataType.getFieldDataTypes(inputType);
            List<String> names = columns.getNames();
            indices = new int[names.size()];
            for (int i = 0; i < names.size(); i++) {
                int index = fields.indexOf(names.get(i));
                if (index < 0) {
                    throw new IllegalArgumentException(function + ": the DESCRIPTOR names column " + names.get(i)
                            + ", which the input table does not have (it has " + String.join(", ", fields) + ").");
                }
                if (!types.get(index).getLogicalType().is(LogicalTypeFamily.NUMERIC)) {
                    throw new IllegalArgumentException(function + ": column " + names.get(i) + " is " + types.get(index)
                            + ", not a number; the DESCRIPTOR names the numeric columns to score.");
                }
                indices[i] = index;
            }
        }

        /** The row's point, or null if one of its columns is null (such a row is not scored). */
        double[] of(Row input) {
            double[] point = new double[indices.length];
            for (int i = 0; i < indices.length; i++) {
                Object value = input.getField(indices[i]);
                if (value == null) {
                    return null;
                }
                point[i] = ((Number) value).doubleValue();
            }
            return point;
        }

        static Row key(Row input, int[] partitionBy) {
            Row key = new Row(partitionBy.length);
            for (int i = 0; i < partitionBy.length; i++) {
                key.setField(i, input.getField(partitionBy[i]));
            }
            return key;
        }
    }
}
