package io.runnel.sql.functions;

import org.apache.flink.types.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.SoftReference;
import java.util.HashMap;
import java.util.Map;

/**
 * The in-memory copies of what a function keeps per partition key in Flink state (a forest, a window), held softly:
 * they stay while the heap has room, and when the JVM needs the memory it drops some (whichever task they belong to),
 * and each is rebuilt from its state when its key's next row comes. Without that, a table with many keys would
 * fill the TaskManager's heap.
 */
final class KeyCache<V> {

    private static final Logger LOG = LoggerFactory.getLogger(KeyCache.class);

    private final String function;
    private final int[] partitionBy;
    private final Map<Row, Held<V>> byKey = new HashMap<>();
    private final ReferenceQueue<V> dropped = new ReferenceQueue<>();
    private boolean warned;

    private static final class Held<V> extends SoftReference<V> {
        final Row key;

        Held(Row key, V value, ReferenceQueue<V> queue) {
            super(value, queue);
            this.key = key;
        }
    }

    /** Rebuilds a key's value from its Flink state (the state of the row's key, as the function is called). */
    interface Rebuild<V> {
        V from() throws Exception;
    }

    /** @param partitionBy the input's PARTITION BY columns, whose values make a row's key */
    KeyCache(String function, int[] partitionBy) {
        this.function = function;
        this.partitionBy = partitionBy;
    }

    /** The value of the row's key: in memory, or rebuilt from its state (never made, or dropped by the JVM). */
    V of(Row input, Rebuild<V> rebuild) throws Exception {
        forgetDropped();
        Row key = new Row(partitionBy.length);
        for (int i = 0; i < partitionBy.length; i++) {
            key.setField(i, input.getField(partitionBy[i]));
        }
        Held<V> held = byKey.get(key);
        V value = held == null ? null : held.get();
        if (value == null) {
            value = rebuild.from();
            byKey.put(key, new Held<>(key, value, dropped));
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    private void forgetDropped() {
        for (Reference<? extends V> ref; (ref = dropped.poll()) != null; ) {
            Held<V> held = (Held<V>) ref;
            byKey.remove(held.key, held);
            if (!warned) {
                warned = true;
                LOG.warn("{}: the heap is too small for the state of every partition key of this task; what the JVM dropped "
                        + "is rebuilt from Flink state when its key's rows come, which is slow. A higher parallelism or "
                        + "more TaskManager memory keeps it all in memory.", function);
            }
        }
    }
}
