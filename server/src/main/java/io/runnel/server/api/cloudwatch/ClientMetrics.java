package io.runnel.server.api.cloudwatch;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The metrics clients put (PutMetricData), by namespace, name and dimensions: for each series the number of
 * samples, their sum, minimum and maximum, and the last value with its time. A bounded number of series is kept;
 * a new series beyond the bound is counted, not kept, so a client cannot grow the server's memory without end.
 */
public final class ClientMetrics {

    static final int MAX_SERIES = 10_000;

    /** A series: a metric of a namespace with one set of dimensions (name and value, in the order given). */
    public record Series(String namespace, String name, List<Map.Entry<String, String>> dimensions) {
    }

    /** What a series has received. */
    public record Summary(double sampleCount, double sum, double minimum, double maximum, double last, long lastTimestampMillis,
                          String unit) {
        Summary plus(double count, double addedSum, double min, double max, double value, long at, String newUnit) {
            return new Summary(sampleCount + count, sum + addedSum, Math.min(minimum, min), Math.max(maximum, max),
                    at >= lastTimestampMillis ? value : last, Math.max(at, lastTimestampMillis), newUnit != null ? newUnit : unit);
        }
    }

    private final Map<Series, Summary> series = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong dropped = new java.util.concurrent.atomic.AtomicLong();

    void add(Series key, double count, double sum, double min, double max, double last, long at, String unit) {
        if (!series.containsKey(key) && series.size() >= MAX_SERIES) {
            dropped.incrementAndGet();
            return;
        }
        series.merge(key, new Summary(count, sum, min, max, last, at, unit),
                (old, added) -> old.plus(count, sum, min, max, last, at, unit));
    }

    public Optional<Summary> get(Series key) {
        return Optional.ofNullable(series.get(key));
    }

    /** Every series kept. */
    public Map<Series, Summary> all() {
        return Map.copyOf(series);
    }

    /** How many samples of new series were not kept because {@link #MAX_SERIES} series already were. */
    public long dropped() {
        return dropped.get();
    }
}
