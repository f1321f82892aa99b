package io.runnel.server.metrics;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

import java.util.SortedMap;
import java.util.function.ToDoubleFunction;

/**
 * Families computed when scraped: one series per named thing (an application, a delivery stream), by one label, in the
 * order of the rows' names (a scrape sorts its rows once for all its families).
 */
final class Families {

    private Families() {
    }

    static <T> MetricSnapshot gauge(String name, String help, String label, SortedMap<String, T> rows, ToDoubleFunction<T> value) {
        GaugeSnapshot.Builder family = GaugeSnapshot.builder().name(name).help(help);
        rows.forEach((key, row) -> family.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                .labels(Labels.of(label, key)).value(value.applyAsDouble(row)).build()));
        return family.build();
    }

    /** {@code name} without {@code _total}, which the page adds. */
    static <T> MetricSnapshot counter(String name, String help, String label, SortedMap<String, T> rows, ToDoubleFunction<T> value) {
        CounterSnapshot.Builder family = CounterSnapshot.builder().name(name).help(help);
        rows.forEach((key, row) -> family.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                .labels(Labels.of(label, key)).value(value.applyAsDouble(row)).build()));
        return family.build();
    }
}
