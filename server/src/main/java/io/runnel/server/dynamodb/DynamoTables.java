package io.runnel.server.dynamodb;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.core.MetadataLog;
import io.runnel.server.ControlThread;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;

/**
 * DynamoDB tables and their items, each a document in a compacted Kafka topic of their own that every server reads
 * into memory. Writes go through one writer at a time across all servers (a Kafka transaction under one
 * transactional id, as for stream changes), so a conditional write decides on every write committed before it:
 * writes to a table are linearizable. A server's waiting writes commit together, each deciding on the ones before it.
 */
public final class DynamoTables implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DynamoTables.class);
    private static final String TABLE = "table";
    private static final String ITEM = "item";
    private static final int MAX_BATCH = 256;
    private static final int ATTEMPTS = 5;
    private static final Duration OPEN_WRITE_WAIT = Duration.ofSeconds(3);
    /** Under Kafka's default largest record, 1 MiB, with room for the key and the record's overhead. */
    private static final int MAX_DOCUMENT_BYTES = 900 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final MetadataLog log;
    private final ControlThread control = new ControlThread("runnel-dynamodb");
    private final ConcurrentLinkedQueue<Write<?>> waiting = new ConcurrentLinkedQueue<>();

    private record Write<T>(Callable<T> work, CompletableFuture<T> result) {
    }

    public DynamoTables(String bootstrapServers, String topic) {
        // A write here is a few small records and never waits on a topic being made: one open for seconds is of a server
        // that died, and the lease renewals of every other client wait behind it.
        this.log = new MetadataLog(bootstrapServers, topic, OPEN_WRITE_WAIT);
    }

    public void start(Duration timeout) throws InterruptedException, TimeoutException {
        log.start(timeout);
    }

    /**
     * Runs a write: what it reads is every write committed before it, and what it writes commits before the future
     * completes. An exception it throws (a failed condition) fails its future alone; it must throw before writing.
     */
    public <T> CompletableFuture<T> write(Callable<T> work) {
        Write<T> w = new Write<>(work, new CompletableFuture<>());
        waiting.add(w);
        control.execute(this::commitWaiting);
        return w.result();
    }

    private void commitWaiting() {
        List<Write<?>> batch = new ArrayList<>();
        for (Write<?> w; batch.size() < MAX_BATCH && (w = waiting.poll()) != null; ) {
            batch.add(w);
        }
        if (batch.isEmpty()) {
            return;
        }
        Object[] results = new Object[batch.size()];
        Throwable[] errors = new Throwable[batch.size()];
        for (int attempt = 1; ; attempt++) {
            try {
                log.serialized(() -> {
                    for (int i = 0; i < batch.size(); i++) {
                        try {
                            results[i] = batch.get(i).work().call();
                            errors[i] = null;
                        } catch (Exception e) {
                            errors[i] = e;
                        }
                    }
                    return null;
                });
                break;
            } catch (MetadataLog.ConcurrentChangeException e) {
                if (attempt == ATTEMPTS) {
                    LOG.warn("{} DynamoDB writes failed: other servers kept writing the table topic", batch.size(), e);
                    batch.forEach(w -> w.result().completeExceptionally(e));
                    return;
                }
            } catch (Exception | Error e) {
                LOG.warn("{} DynamoDB writes failed", batch.size(), e);
                batch.forEach(w -> w.result().completeExceptionally(e));
                return;
            }
        }
        for (int i = 0; i < batch.size(); i++) {
            complete(batch.get(i), results[i], errors[i]);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void complete(Write<T> w, Object result, Throwable error) {
        if (error != null) {
            w.result().completeExceptionally(error);
        } else {
            w.result().complete((T) result);
        }
    }

    /** Completes once this server has read every write committed before the call: for a consistent read. */
    public CompletableFuture<Void> catchUp() {
        return log.catchUp();
    }

    public Optional<TableDefinition> table(String name) {
        return log.document(TABLE, name).map(json -> read(json, TableDefinition.class));
    }

    /** Every table, by name. */
    public List<TableDefinition> tables() {
        return log.documents(TABLE).values().stream().map(json -> read(json, TableDefinition.class)).toList();
    }

    /** Within {@link #write}. */
    public void putTable(TableDefinition table) {
        ControlThread.await(log.putDocument(TABLE, table.name(), bytes(table)));
    }

    /** Within {@link #write}: the table and every item of it. */
    public void removeTable(TableDefinition table) {
        for (String name : log.documents(ITEM).keySet()) {
            if (name.startsWith(table.name() + "/")) {
                ControlThread.await(log.removeDocument(ITEM, name));
            }
        }
        ControlThread.await(log.removeDocument(TABLE, table.name()));
    }

    /** The item with this key, a copy the caller may change; or null. */
    public ObjectNode item(TableDefinition table, JsonNode key) {
        return log.document(ITEM, itemName(table, key)).map(json -> (ObjectNode) read(json, JsonNode.class)).orElse(null);
    }

    /** Within {@link #write}. An item whose document would not fit a Kafka record is refused before anything is written. */
    public void putItem(TableDefinition table, ObjectNode item) {
        byte[] document = bytes(item);
        if (document.length > MAX_DOCUMENT_BYTES) {
            throw DynamoDbException.validation("Item size has exceeded the maximum allowed size");
        }
        ControlThread.await(log.putDocument(ITEM, itemName(table, item), document));
    }

    /** Within {@link #write}. */
    public void removeItem(TableDefinition table, JsonNode key) {
        ControlThread.await(log.removeDocument(ITEM, itemName(table, key)));
    }

    /** A table's items in the order Scan returns them, each with the position a page after it starts from. */
    public List<StoredItem> items(TableDefinition table) {
        List<StoredItem> items = new ArrayList<>();
        String prefix = table.name() + "/";
        for (Map.Entry<String, byte[]> e : log.documents(ITEM).entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                items.add(new StoredItem(e.getKey(), (ObjectNode) read(e.getValue(), JsonNode.class)));
            }
        }
        return items;
    }

    /** An item and where it sits in its table's order. */
    public record StoredItem(String position, ObjectNode item) {
    }

    /** Where an item of this key sits, or would sit, in its table's order. */
    public static String position(TableDefinition table, JsonNode key) {
        return itemName(table, key);
    }

    private static String itemName(TableDefinition table, JsonNode item) {
        // Length-prefixed, so that no hash key and range key pair spells another's.
        String hash = AttributeValues.keyText(item.get(table.hashKey()));
        StringBuilder name = new StringBuilder(table.name()).append('/').append(hash.length()).append(':').append(hash);
        if (table.rangeKey() != null) {
            name.append(AttributeValues.keyText(item.get(table.rangeKey())));
        }
        return name.toString();
    }

    private static byte[] bytes(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T read(byte[] json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable DynamoDB document", e);
        }
    }

    @Override
    public void close() {
        control.close();
        log.close();
    }
}
