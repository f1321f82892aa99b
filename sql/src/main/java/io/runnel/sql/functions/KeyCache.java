package io.runnel.sql.functions;

import org.apache.flink.types.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The in-memory copies of what a function keeps per partition key in Flink state (a forest, a window), as many as
 * fit in an eighth of the heap; the least recently used goes first and is rebuilt from its state when its key
 * comes back. Without a bound, a table with many keys would fill the TaskManager's heap.
 */
final class KeyCache<V> {

    private static final Logger LOG = LoggerFactory.getLogger(KeyCache.class);

    private final Map<Row, V> byKey;
    private boolean warned;

    /** @param bytesEach about how much memory one value takes */
    KeyCache(String function, long bytesEach) {
        long fit = Runtime.getRuntime().maxMemory() / 8 / Math.max(1, bytesEach);
        int capacity = (int) Math.max(1, Math.min(1_000_000, fit));
        byKey = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Row, V> eldest) {
                if (size() <= capacity) {
                    return false;
                }
                if (!warned) {
                    warned = true;
                    LOG.warn("{}: more partition keys in this task than the {} whose state fits in memory; the others are rebuilt "
                            + "from Flink state when their rows come, which is slow. A higher parallelism spreads the keys.",
                            function, capacity);
                }
                return true;
            }
        };
    }

    V get(Row key) {
        return byKey.get(key);
    }

    void put(Row key, V value) {
        byKey.put(key, value);
    }
}
