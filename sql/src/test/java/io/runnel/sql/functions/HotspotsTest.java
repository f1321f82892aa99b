package io.runnel.sql.functions;

import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** HOTSPOTS finds two dense regions planted among scattered 2-D points, and reports their bounds. */
class HotspotsTest {

    @Test
    void twoPlantedDenseRegionsAreFoundWithTheirBounds() throws Exception {
        Random random = new Random(3);
        List<double[]> planted = new ArrayList<>();
        for (int i = 0; i < 700; i++) {
            planted.add(new double[] {random.nextDouble() * 10, random.nextDouble() * 10});
        }
        for (int i = 0; i < 150; i++) {
            planted.add(new double[] {2 + random.nextDouble() * 0.5, 2 + random.nextDouble() * 0.5});
            planted.add(new double[] {7 + random.nextDouble() * 0.4, 6 + random.nextDouble() * 0.4});
        }
        Collections.shuffle(planted, random);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < planted.size(); i++) {
            rows.add(Row.of("r1", i, planted.get(i)[0], planted.get(i)[1]));
        }

        StreamTableEnvironment tables = Tables.withView("points", rows, "region", "seq", "x", "y");
        String last = null;
        int seen = 0;
        try (CloseableIterator<Row> results = tables.executeSql("SELECT seq, hotspots_result FROM HOTSPOTS(input => TABLE points "
                + "PARTITION BY region, columns => DESCRIPTOR(x, y), window_size => 1000, scan_radius => 0.2, "
                + "minimum_number_of_points => 17)").collect()) {
            while (results.hasNext()) {
                Row row = results.next();
                seen++;
                if ((Integer) row.getField("seq") == planted.size() - 1) {
                    last = (String) row.getField("hotspots_result");
                }
            }
        }
        assertThat(seen).isEqualTo(planted.size());

        Matcher hotspot = Pattern.compile("\\{\"density\":([0-9.e+-]+),\"minValues\":\\[([^]]*)],\"maxValues\":\\[([^]]*)]}").matcher(last);
        List<double[][]> found = new ArrayList<>();
        while (hotspot.find()) {
            assertThat(Double.parseDouble(hotspot.group(1))).as(last).isGreaterThan(10);
            found.add(new double[][] {numbers(hotspot.group(2)), numbers(hotspot.group(3))});
        }
        assertThat(found).as(last).hasSize(2);
        // Each planted square, give or take the scan radius: the hotspot's points are mostly the planted ones.
        assertThat(found).anySatisfy(b -> assertInside(b, 2, 2.5, 2, 2.5)).anySatisfy(b -> assertInside(b, 7, 7.4, 6, 6.4));
    }

    private static void assertInside(double[][] bounds, double x0, double x1, double y0, double y1) {
        assertThat(bounds[0][0]).isBetween(x0 - 0.2, x0 + 0.1);
        assertThat(bounds[1][0]).isBetween(x1 - 0.1, x1 + 0.2);
        assertThat(bounds[0][1]).isBetween(y0 - 0.2, y0 + 0.1);
        assertThat(bounds[1][1]).isBetween(y1 - 0.1, y1 + 0.2);
    }

    private static double[] numbers(String list) {
        String[] parts = list.split(",");
        double[] values = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            values[i] = Double.parseDouble(parts[i]);
        }
        return values;
    }
}
