package io.runnel.sql.functions;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Dense regions among a window of points: a point with at least {@code minimumPoints} points (itself included)
 * within {@code scanRadius} is dense, and dense points within {@code scanRadius} of each other make one hotspot.
 * A hotspot's density is how much denser its bounding box is than the window's bounding box.
 */
public final class Hotspots {

    private Hotspots() {
    }

    /** One hotspot: its density relative to the window, and the bounds of its points. */
    public record Hotspot(double density, double[] minValues, double[] maxValues) {
    }

    public static List<Hotspot> find(List<double[]> points, double scanRadius, int minimumPoints) {
        int n = points.size();
        if (n == 0) {
            return List.of();
        }
        int dimensions = points.get(0).length;
        long[][] cellOf = new long[n][];
        Map<Long, List<Integer>> cells = new HashMap<>();
        for (int i = 0; i < n; i++) {
            cellOf[i] = cell(points.get(i), scanRadius);
            cells.computeIfAbsent(hash(cellOf[i]), c -> new ArrayList<>()).add(i);
        }
        List<int[]> neighbours = new ArrayList<>(n);
        boolean[] dense = new boolean[n];
        for (int i = 0; i < n; i++) {
            int[] near = near(points, cells, cellOf[i], i, scanRadius);
            neighbours.add(near);
            dense[i] = near.length >= minimumPoints;
        }
        double[] windowMin = new double[dimensions];
        double[] windowMax = new double[dimensions];
        bounds(points, windowMin, windowMax);
        double windowVolume = volume(windowMin, windowMax, scanRadius);

        int[] component = new int[n];
        Arrays.fill(component, -1);
        List<Hotspot> hotspots = new ArrayList<>();
        for (int start = 0; start < n; start++) {
            if (!dense[start] || component[start] >= 0) {
                continue;
            }
            List<double[]> members = new ArrayList<>();
            ArrayDeque<Integer> todo = new ArrayDeque<>(List.of(start));
            component[start] = hotspots.size();
            while (!todo.isEmpty()) {
                int p = todo.poll();
                members.add(points.get(p));
                for (int q : neighbours.get(p)) {
                    if (dense[q] && component[q] < 0) {
                        component[q] = hotspots.size();
                        todo.add(q);
                    }
                }
            }
            double[] min = new double[dimensions];
            double[] max = new double[dimensions];
            bounds(members, min, max);
            double density = (members.size() / (double) n) / (volume(min, max, scanRadius) / windowVolume);
            hotspots.add(new Hotspot(density, min, max));
        }
        hotspots.sort(Comparator.comparingDouble(Hotspot::density).reversed());
        return hotspots;
    }

    /** The result as Kinesis Data Analytics wrote it: {"hotspots":[{"density":..,"minValues":[..],"maxValues":[..]}]}. */
    public static String json(List<Hotspot> hotspots) {
        StringBuilder json = new StringBuilder("{\"hotspots\":[");
        for (int h = 0; h < hotspots.size(); h++) {
            Hotspot hotspot = hotspots.get(h);
            json.append(h == 0 ? "" : ",").append("{\"density\":").append(number(hotspot.density()))
                    .append(",\"minValues\":").append(array(hotspot.minValues()))
                    .append(",\"maxValues\":").append(array(hotspot.maxValues())).append('}');
        }
        return json.append("]}").toString();
    }

    private static String array(double[] values) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            out.append(i == 0 ? "" : ",").append(number(values[i]));
        }
        return out.append(']').toString();
    }

    /** Six significant digits, written plainly and without trailing zeros (41.2, 2.01, 1234570). */
    private static String number(double value) {
        return new BigDecimal(value).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }

    private static long[] cell(double[] point, double size) {
        long[] cell = new long[point.length];
        for (int d = 0; d < point.length; d++) {
            cell[d] = (long) Math.floor(point[d] / size);
        }
        return cell;
    }

    /** A cell's key; two cells may share one, which only adds points that the distance check then leaves out. */
    private static long hash(long[] cell) {
        long h = 1125899906842597L;
        for (long c : cell) {
            h = 31 * h + c;
        }
        return h;
    }

    /** The points within the radius of point i (itself included), from its cell and the cells around it. */
    private static int[] near(List<double[]> points, Map<Long, List<Integer>> cells, long[] home, int i, double radius) {
        double[] p = points.get(i);
        double limit = radius * radius;
        int dimensions = p.length;
        int around = (int) Math.pow(3, dimensions);
        long[] c = new long[dimensions];
        Set<Long> visited = new HashSet<>();
        int[] near = new int[8];
        int count = 0;
        for (int offset = 0; offset < around; offset++) {
            int rest = offset;
            for (int d = 0; d < dimensions; d++) {
                c[d] = home[d] + (rest % 3) - 1;
                rest /= 3;
            }
            long key = hash(c);
            if (!visited.add(key)) {
                continue;
            }
            for (int q : cells.getOrDefault(key, List.of())) {
                if (distanceSquared(p, points.get(q)) <= limit) {
                    if (count == near.length) {
                        near = Arrays.copyOf(near, count * 2);
                    }
                    near[count++] = q;
                }
            }
        }
        return Arrays.copyOf(near, count);
    }

    private static double distanceSquared(double[] a, double[] b) {
        double sum = 0;
        for (int d = 0; d < a.length; d++) {
            double diff = a[d] - b[d];
            sum += diff * diff;
        }
        return sum;
    }

    private static void bounds(List<double[]> points, double[] min, double[] max) {
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (double[] p : points) {
            for (int d = 0; d < p.length; d++) {
                min[d] = Math.min(min[d], p[d]);
                max[d] = Math.max(max[d], p[d]);
            }
        }
    }

    /** The volume of a box, each side at least the scan radius (so that a flat box has one). */
    private static double volume(double[] min, double[] max, double radius) {
        double volume = 1;
        for (int d = 0; d < min.length; d++) {
            volume *= Math.max(max[d] - min[d], radius);
        }
        return volume;
    }
}
