package io.runnel.sql.functions;

import com.amazon.randomcutforest.RandomCutForest;
import org.apache.flink.table.annotation.ArgumentHint;
import org.apache.flink.table.annotation.ArgumentTrait;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.StateHint;
import org.apache.flink.table.api.dataview.ListView;
import org.apache.flink.table.catalog.DataTypeFactory;
import org.apache.flink.table.functions.ProcessTableFunction;
import org.apache.flink.table.types.inference.TypeInference;
import org.apache.flink.types.ColumnList;
import org.apache.flink.types.Row;

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

    private transient Forests forests;

    @Override
    public TypeInference getTypeInference(DataTypeFactory typeFactory) {
        return PlanningChecks.of(super.getTypeInference(typeFactory), NAME, call -> ForestParameters.check(NAME, call));
    }

    public void eval(Context ctx,
                     @StateHint Progress progress,
                     @StateHint ListView<byte[]> snapshot,
                     @StateHint ListView<double[]> sinceSnapshot,
                     @ArgumentHint(value = {ArgumentTrait.SET_SEMANTIC_TABLE, ArgumentTrait.OPTIONAL_PARTITION_BY,
                             ArgumentTrait.PASS_COLUMNS_THROUGH}, name = "input")
                     Row input,
                     @ArgumentHint(name = "columns", type = @DataTypeHint("DESCRIPTOR NOT NULL")) ColumnList columns,
                     @ArgumentHint(name = "number_of_trees", isOptional = true) Integer numberOfTrees,
                     @ArgumentHint(name = "sub_sample_size", isOptional = true) Integer subSampleSize,
                     @ArgumentHint(name = "time_decay", isOptional = true) Integer timeDecay,
                     @ArgumentHint(name = "shingle_size", isOptional = true) Integer shingleSize) throws Exception {
        if (forests == null) {
            forests = new Forests(ctx, columns, ForestParameters.of(NAME, columns.getNames().size(), numberOfTrees, subSampleSize,
                    timeDecay, shingleSize), NAME);
        }
        double[] point = forests.point(input);
        if (point == null) {
            collect(Row.of((Double) null));
            return;
        }
        ForestState forest = forests.of(input, snapshot, sinceSnapshot);
        double score = forest.score(point);
        forest.update(point, progress, snapshot, sinceSnapshot);
        collect(Row.of(score));
    }

    /** The small part of a forest's state that changes with every row. */
    public static class Progress {
        /** Rows the forest has taken since its snapshot. */
        public long sinceSnapshot;
    }
}
