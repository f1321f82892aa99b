package io.runnel.sql.functions;

import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.types.ColumnList;
import org.apache.flink.types.Row;

import java.util.List;

/** Reading the numbers a row gives a function: the DESCRIPTOR's columns, found once. */
final class Points {

    private final int[] indices;

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

    /**
     * The row's point, or null if one of its columns is null, NaN or infinite: such a row is not scored, and does not
     * join a forest or a window, where one such value would spoil every later result.
     */
    double[] of(Row input) {
        double[] point = new double[indices.length];
        for (int i = 0; i < indices.length; i++) {
            Object value = input.getField(indices[i]);
            if (value == null) {
                return null;
            }
            point[i] = ((Number) value).doubleValue();
            if (!Double.isFinite(point[i])) {
                return null;
            }
        }
        return point;
    }
}
