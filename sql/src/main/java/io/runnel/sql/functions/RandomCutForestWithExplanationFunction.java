package io.runnel.sql.functions;

import com.amazon.randomcutforest.returntypes.DiVector;
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

import java.util.List;
import java.util.Locale;

/**
 * RANDOM_CUT_FOREST_WITH_EXPLANATION: RANDOM_CUT_FOREST's score, and for each scored column how much it adds to
 * the score, as Kinesis Data Analytics explained it: a JSON object by column name, each with
 * {@code ATTRIBUTION_SCORE} (the column's share of the score; the shares add up to about the score),
 * {@code DIRECTION} ({@code HIGH} or {@code LOW}: whether the value is unusual for being high or for being low)
 * and {@code STRENGTH} (how one-sided that is, from 0 to 1), numbers written as strings as Kinesis wrote them.
 */
@DataTypeHint("ROW<anomaly_score DOUBLE, explanation STRING>")
public class RandomCutForestWithExplanationFunction extends ProcessTableFunction<Row> {

    public static final String NAME = "RANDOM_CUT_FOREST_WITH_EXPLANATION";

    private transient Forests forests;

    @Override
    public TypeInference getTypeInference(DataTypeFactory typeFactory) {
        return PlanningChecks.of(super.getTypeInference(typeFactory), NAME, call -> ForestParameters.check(NAME, call));
    }

    public void eval(Context ctx,
                     @StateHint RandomCutForestFunction.Progress progress,
                     @StateHint ListView<byte[]> snapshot,
                     @StateHint ListView<double[]> sinceSnapshot,
                     @ArgumentHint(value = {ArgumentTrait.SET_SEMANTIC_TABLE, ArgumentTrait.OPTIONAL_PARTITION_BY,
                             ArgumentTrait.PASS_COLUMNS_THROUGH}, name = "input")
                     Row input,
                     @ArgumentHint(name = "columns", type = @DataTypeHint("DESCRIPTOR NOT NULL")) ColumnList columns,
                     @ArgumentHint(name = "number_of_trees", isOptional = true) Integer numberOfTrees,
                     @ArgumentHint(name = "sub_sample_size", isOptional = true) Integer subSampleSize,
                     @ArgumentHint(name = "time_decay", isOptional = true) Integer timeDecay,
                     @ArgumentHint(name = "shingle_size", isOptional = true) Integer shingleSize,
                     @ArgumentHint(name = "with_directionality", isOptional = true) Boolean withDirectionality) throws Exception {
        if (forests == null) {
            forests = new Forests(ctx, columns, ForestParameters.of(NAME, columns.getNames().size(), numberOfTrees, subSampleSize,
                    timeDecay, shingleSize), NAME);
        }
        double[] point = forests.point(input);
        if (point == null) {
            collect(Row.of(null, null));
            return;
        }
        ForestState forest = forests.of(input, snapshot, sinceSnapshot);
        double score = forest.score(point);
        String explanation = explain(columns.getNames(), forest.attribution(point), withDirectionality == null || withDirectionality);
        forest.update(point, progress, snapshot, sinceSnapshot);
        collect(Row.of(score, explanation));
    }

    /** The explanation of a point's attribution; with shingles, a column adds up its share at every position. */
    static String explain(List<String> names, DiVector attribution, boolean withDirectionality) {
        int columns = names.size();
        double[] high = new double[columns];
        double[] low = new double[columns];
        for (int i = 0; i < attribution.getDimensions(); i++) {
            high[i % columns] += attribution.high[i];
            low[i % columns] += attribution.low[i];
        }
        StringBuilder json = new StringBuilder("{");
        for (int c = 0; c < columns; c++) {
            if (c > 0) {
                json.append(',');
            }
            double total = high[c] + low[c];
            json.append(quote(names.get(c))).append(":{");
            if (withDirectionality) {
                double strength = total == 0 ? 0 : Math.abs(high[c] - low[c]) / total;
                json.append("\"DIRECTION\":\"").append(high[c] >= low[c] ? "HIGH" : "LOW").append("\",")
                        .append("\"STRENGTH\":\"").append(number(strength)).append("\",");
            }
            json.append("\"ATTRIBUTION_SCORE\":\"").append(number(total)).append("\"}");
        }
        return json.append('}').toString();
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }

    private static String quote(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char ch : text.toCharArray()) {
            switch (ch) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                default -> {
                    if (ch < 0x20) {
                        quoted.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
                    } else {
                        quoted.append(ch);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
