package io.runnel.sql.functions;

import com.amazon.randomcutforest.RandomCutForest;
import org.apache.flink.table.annotation.ArgumentHint;
import org.apache.flink.table.annotation.ArgumentTrait;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.StateHint;
import org.apache.flink.table.api.dataview.ListView;
import org.apache.flink.table.functions.ProcessTableFunction;
import org.apache.flink.table.types.DataType;
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
        ForestState forest = forest(ctx, input, parameters, snapshot, sinceSnapshot);
        double[] point = Points.of(input, columns, ctx.tableSemanticsFor("input").dataType());
        double score = forest.scoreAndUpdate(point, progress, snapshot, sinceSnapshot);
        collect(Row.of(score));
    }

    private ForestState forest(Context ctx, Row input, ForestParameters parameters, ListView<byte[]> snapshot,
                               ListView<double[]> sinceSnapshot) throws Exception {
        if (forests == null) {
            forests = new HashMap<>();
        }
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

    /** Reading the numbers a row gives a forest. */
    static final class Points {

        private Points() {
        }

        static Row key(Row input, int[] partitionBy) {
            Row key = new Row(partitionBy.length);
            for (int i = 0; i < partitionBy.length; i++) {
                key.setField(i, input.getField(partitionBy[i]));
            }
            return key;
        }

        static double[] of(Row input, ColumnList columns, DataType inputType) {
            List<String> names = columns.getNames();
            List<String> fields = DataType.getFieldNames(inputType);
            double[] point = new double[names.size()];
            for (int i = 0; i < names.size(); i++) {
                int index = fields.indexOf(names.get(i));
                if (index < 0) {
                    throw new IllegalArgumentException(NAME + ": the DESCRIPTOR names column " + names.get(i)
                            + ", which the input table does not have (it has " + String.join(", ", fields) + ").");
                }
                Object value = input.getField(index);
                if (value != null && !(value instanceof Number)) {
                    throw new IllegalArgumentException(NAME + ": column " + names.get(i) + " is not numeric ("
                            + DataType.getFieldDataTypes(inputType).get(index) + "); the DESCRIPTOR names the columns to score.");
                }
                point[i] = value == null ? 0.0 : ((Number) value).doubleValue();
            }
            return point;
        }
    }
}
