package io.runnel.server.glue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.core.MetadataLog;
import io.runnel.server.ControlThread;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * The part of a Glue Data Catalog that Firehose needs: databases and their tables, each a document in the metadata
 * topic. A table keeps the TableInput it was given, so that GetTable answers with everything CreateTable said.
 * Names are kept in lower case, as Glue keeps them. Changes run one at a time on one thread.
 */
public final class GlueCatalog implements AutoCloseable {

    static final String DATABASE = "glue-database";
    static final String TABLE = "glue-table";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MetadataLog metadata;
    private final ControlThread control = new ControlThread("runnel-glue");

    public GlueCatalog(MetadataLog metadata) {
        this.metadata = metadata;
    }

    /**
     * A database.
     *
     * @param input the DatabaseInput it was created with, its Name lower-cased
     */
    public record Database(String name, ObjectNode input, long createdAt) {
    }

    /**
     * A table.
     *
     * @param input   the TableInput of its newest version, its Name lower-cased
     * @param version VersionId: 1 at creation, one more at each update
     */
    public record Table(String databaseName, String name, ObjectNode input, long createdAt, long updatedAt, long version) {
        /** The columns of its storage descriptor, then its partition keys: every column a row of the table has. */
        public List<Column> columns() {
            List<Column> columns = new java.util.ArrayList<>();
            input.path("StorageDescriptor").path("Columns").forEach(c -> columns.add(new Column(c.path("Name").asText(), c.path("Type").asText())));
            input.path("PartitionKeys").forEach(c -> columns.add(new Column(c.path("Name").asText(), c.path("Type").asText())));
            return columns;
        }

        /** The SerializationLibrary of its SerDe, or null. */
        public String serializationLibrary() {
            return input.path("StorageDescriptor").path("SerdeInfo").path("SerializationLibrary").asText(null);
        }
    }

    public record Column(String name, String type) {
    }

    public static String normalize(String name) {
        return name.toLowerCase(java.util.Locale.ROOT);
    }

    public <T> CompletableFuture<T> change(Callable<T> work) {
        return control.change(work);
    }

    public Optional<Database> database(String name) {
        return metadata.document(DATABASE, normalize(name)).map(json -> read(json, Database.class));
    }

    public List<Database> databases() {
        return metadata.documents(DATABASE).values().stream().map(json -> read(json, Database.class))
                .sorted(java.util.Comparator.comparing(Database::name)).toList();
    }

    public Optional<Table> table(String databaseName, String name) {
        return metadata.document(TABLE, tableKey(databaseName, name)).map(json -> read(json, Table.class));
    }

    /** The tables of a database, by name. */
    public List<Table> tables(String databaseName) {
        String prefix = normalize(databaseName) + "\n";
        Map<String, Table> tables = new TreeMap<>();
        metadata.documents(TABLE).forEach((key, json) -> {
            if (key.startsWith(prefix)) {
                tables.put(key.substring(prefix.length()), read(json, Table.class));
            }
        });
        return List.copyOf(tables.values());
    }

    /** Saves a database. Control thread only. */
    public void save(Database database) {
        ControlThread.await(metadata.putDocument(DATABASE, database.name(), write(database)));
    }

    /** Saves a table. Control thread only. */
    public void save(Table table) {
        ControlThread.await(metadata.putDocument(TABLE, tableKey(table.databaseName(), table.name()), write(table)));
    }

    /** Removes a database and its tables. Control thread only. */
    public void deleteDatabase(String name) {
        for (Table table : tables(name)) {
            deleteTable(table.databaseName(), table.name());
        }
        ControlThread.await(metadata.removeDocument(DATABASE, normalize(name)));
    }

    /** Control thread only. */
    public void deleteTable(String databaseName, String name) {
        ControlThread.await(metadata.removeDocument(TABLE, tableKey(databaseName, name)));
    }

    // A newline cannot be part of a Glue name (their pattern is a single line), so it cannot make two keys meet.
    private static String tableKey(String databaseName, String name) {
        return normalize(databaseName) + "\n" + normalize(name);
    }

    private static byte[] write(Object document) {
        try {
            return JSON.writeValueAsBytes(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T read(byte[] json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable " + type.getSimpleName() + " document", e);
        }
    }

    @Override
    public void close() {
        control.close();
    }
}
