package io.runnel.sql.functions;

import org.apache.flink.table.api.dataview.ListView;
import org.apache.flink.table.functions.ProcessTableFunction;
import org.apache.flink.types.ColumnList;
import org.apache.flink.types.Row;

/**
 * The forests of one forest function's instance: its DESCRIPTOR's columns and its parameters, read at its first
 * row (they are the same for every row of a call), and the forests of the partition keys in memory.
 */
final class Forests {

    private final Points points;
    private final ForestParameters parameters;
    private final KeyCache<ForestState> byKey;

    Forests(ProcessTableFunction.Context ctx, ColumnList columns, ForestParameters parameters, String function) {
        this.points = new Points(columns, ctx.tableSemanticsFor("input").dataType(), function);
        this.parameters = parameters;
        this.byKey = new KeyCache<>(function, ctx.tableSemanticsFor("input").partitionByColumns());
    }

    /** The row's point, or null if one of its columns is null, NaN or infinite (such a row is not scored). */
    double[] point(Row input) {
        return points.of(input);
    }

    /** The forest of the row's partition key: in memory, or rebuilt from its state after a restart. */
    ForestState of(Row input, ListView<byte[]> snapshot, ListView<double[]> sinceSnapshot) throws Exception {
        return byKey.of(input, () -> ForestState.restore(parameters, snapshot, sinceSnapshot));
    }
}
