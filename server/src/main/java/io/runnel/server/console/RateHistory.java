package io.runnel.server.console;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Per-second rates of cumulative counts (records put to a stream, its bytes, fragments of a camera), for the last
 * {@link #SECONDS} seconds: a console that opens shows the last minutes at once instead of an empty chart. Fed once a
 * second from one thread; read from the same thread.
 */
final class RateHistory {

    static final int SECONDS = 300;

    private static final class Series {
        final double[] rates = new double[SECONDS];
        int next;
        int size;
        double lastCount = Double.NaN;
        long lastAt;
    }

    private final Map<String, Series> series = new HashMap<>();

    /** Takes a count as it stands now; the first count of a series only sets its base. */
    void record(String key, double count, long nowMillis) {
        Series s = series.computeIfAbsent(key, k -> new Series());
        if (!Double.isNaN(s.lastCount) && nowMillis > s.lastAt) {
            // A count that went down (its stream was deleted and made again) starts over from zero.
            double delta = count >= s.lastCount ? count - s.lastCount : count;
            s.rates[s.next] = delta * 1000.0 / (nowMillis - s.lastAt);
            s.next = (s.next + 1) % SECONDS;
            s.size = Math.min(SECONDS, s.size + 1);
        }
        s.lastCount = count;
        s.lastAt = nowMillis;
    }

    /** The newest rate, per second; 0 before there are two counts. */
    double last(String key) {
        Series s = series.get(key);
        return s == null || s.size == 0 ? 0 : s.rates[(s.next - 1 + SECONDS) % SECONDS];
    }

    /** The rates, oldest first. */
    double[] history(String key) {
        Series s = series.get(key);
        if (s == null) {
            return new double[0];
        }
        double[] out = new double[s.size];
        for (int i = 0; i < s.size; i++) {
            out[i] = s.rates[(s.next - s.size + i + SECONDS) % SECONDS];
        }
        return out;
    }

    /** What the newest {@code seconds} rates add up to: the count of that span. */
    double sum(String key, int seconds) {
        double[] h = history(key);
        double total = 0;
        for (int i = Math.max(0, h.length - seconds); i < h.length; i++) {
            total += h[i];
        }
        return total;
    }

    /** Forgets every series whose key is not among {@code keys}. */
    void retain(Set<String> keys) {
        series.keySet().retainAll(keys);
    }
}
