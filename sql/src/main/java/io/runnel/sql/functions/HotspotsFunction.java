package io.runnel.sql.functions;

import org.apache.flink.table.annotation.ArgumentHint;
import org.apache.flink.table.annotation.ArgumentTrait;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.StateHint;
import org.apache.flink.table.api.dataview.MapView;
import org.apache.flink.table.catalog.DataTypeFactory;
import org.apache.flink.table.functions.ProcessTableFunction;
import org.apache.flink.table.types.inference.TypeInference;
import org.apache.flink.types.ColumnList;
import org.apache.flink.types.Row;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * HOTSPOTS: after each row, the dense regions among the last {@code window_size} rows of its partition key, in
 * the numeric columns the DESCRIPTOR names, as Kinesis Data Analytics reported them.
 *
 * <pre>
 * SELECT * FROM HOTSPOTS(input => TABLE points PARTITION BY region, columns => DESCRIPTOR(x, y),
 *     window_size => 1000, scan_radius => 0.2, minimum_number_of_points => 17)
 * </pre>
 *
 * <p>The window lives in Flink state, a slot per row of the window; the copy in memory is rebuilt from it after a
 * restart.
 */
@DataTypeHint("ROW<hotspots_result STRING>")
public class HotspotsFunction extends ProcessTableFunction<Row> {

    public static final String NAME = "HOTSPOTS";
    static final int MAX_COLUMNS = 4;

    private transient KeyCache<Window> windows;
    private transient Points points;

    @Override
    public TypeInference getTypeInference(DataTypeFactory typeFactory) {
        return PlanningChecks.of(super.getTypeInference(typeFactory), NAME, call -> check(call.get("columns", ColumnList.class),
                call.get("window_size", Integer.class),
                call.get("scan_radius", BigDecimal.class), call.get("minimum_number_of_points", Integer.class)));
    }

    public void eval(Context ctx,
                     @StateHint Position position,
                     @StateHint MapView<Integer, double[]> slots,
                     @ArgumentHint(value = {ArgumentTrait.SET_SEMANTIC_TABLE, ArgumentTrait.OPTIONAL_PARTITION_BY,
                             ArgumentTrait.PASS_COLUMNS_THROUGH}, name = "input")
                     Row input,
                     @ArgumentHint(name = "columns", type = @DataTypeHint("DESCRIPTOR NOT NULL")) ColumnList columns,
                     @ArgumentHint(name = "window_size") Integer windowSize,
                     // A DECIMAL, as a literal such as 0.2 is in SQL (Flink 2.3 does not cast one to a DOUBLE argument here).
                     @ArgumentHint(name = "scan_radius", type = @DataTypeHint("DECIMAL(38, 18)")) BigDecimal scanRadius,
                     @ArgumentHint(name = "minimum_number_of_points") Integer minimumPoints) throws Exception {
        if (points == null) {
            check(columns, windowSize, scanRadius, minimumPoints);
            points = new Points(columns, ctx.tableSemanticsFor("input").dataType(), NAME);
            windows = new KeyCache<>(NAME, ctx.tableSemanticsFor("input").partitionByColumns());
        }
        double[] point = points.of(input);
        if (point == null) {
            collect(Row.of((String) null));
            return;
        }
        Window window = windows.of(input, () -> Window.restore(windowSize, slots));
        int slot = (int) (position.rows % windowSize);
        window.put(slot, point);
        slots.put(slot, point);
        position.rows++;
        collect(Row.of(Hotspots.json(Hotspots.find(window.points(), scanRadius.doubleValue(), minimumPoints))));
    }

    /** Kinesis SQL's bounds; each row searches its whole window, among 3^columns cells around each point. */
    private static void check(ColumnList columns, Integer windowSize, BigDecimal scanRadius, Integer minimumPoints) {
        if (columns != null && columns.getNames().size() > MAX_COLUMNS) {
            throw new IllegalArgumentException(NAME + ": the DESCRIPTOR names " + columns.getNames().size() + " columns; HOTSPOTS "
                    + "takes at most " + MAX_COLUMNS + ".");
        }
        if (windowSize == null || windowSize < 1 || windowSize > 1_000) {
            throw new IllegalArgumentException(NAME + ": window_size must be between 1 and 1000, not " + windowSize + ".");
        }
        if (scanRadius == null || scanRadius.signum() <= 0) {
            throw new IllegalArgumentException(NAME + ": scan_radius must be a positive number, not " + scanRadius + ".");
        }
        if (minimumPoints == null || minimumPoints < 1) {
            throw new IllegalArgumentException(NAME + ": minimum_number_of_points must be at least 1, not " + minimumPoints + ".");
        }
    }

    /** How many rows of its key the window has taken: the next one goes to slot rows % window_size. */
    public static class Position {
        public long rows;
    }

    /** The last rows of a key, slot by slot. */
    private static final class Window {
        private final double[][] slots;

        private Window(int size) {
            slots = new double[size][];
        }

        static Window restore(int size, MapView<Integer, double[]> state) throws Exception {
            Window window = new Window(size);
            for (Map.Entry<Integer, double[]> e : state.entries()) {
                if (e.getKey() < size) {
                    window.slots[e.getKey()] = e.getValue();
                }
            }
            return window;
        }

        void put(int slot, double[] point) {
            slots[slot] = point;
        }

        List<double[]> points() {
            List<double[]> all = new ArrayList<>(slots.length);
            for (double[] p : slots) {
                if (p != null) {
                    all.add(p);
                }
            }
            return all;
        }
    }
}
