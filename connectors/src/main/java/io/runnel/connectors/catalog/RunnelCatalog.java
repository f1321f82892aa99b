package io.runnel.connectors.catalog;

import io.runnel.connectors.table.RunnelConnectorOptions;
import io.runnel.connectors.table.RunnelDynamicTableFactory;
import io.runnel.core.MetadataLog;
import io.runnel.core.StreamMetadata;
import io.runnel.core.StreamStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.CatalogBaseTable;
import org.apache.flink.table.catalog.CatalogDatabase;
import org.apache.flink.table.catalog.CatalogFunctionImpl;
import org.apache.flink.table.catalog.CatalogPropertiesUtil;
import org.apache.flink.table.catalog.CatalogTable;
import org.apache.flink.table.catalog.FunctionLanguage;
import org.apache.flink.table.catalog.GenericInMemoryCatalog;
import org.apache.flink.table.catalog.ObjectPath;
import org.apache.flink.table.catalog.ResolvedCatalogTable;
import org.apache.flink.table.catalog.exceptions.CatalogException;
import org.apache.flink.table.catalog.exceptions.DatabaseNotExistException;
import org.apache.flink.table.catalog.exceptions.FunctionAlreadyExistException;
import org.apache.flink.table.catalog.exceptions.TableAlreadyExistException;
import org.apache.flink.table.catalog.exceptions.TableNotExistException;
import org.apache.flink.table.expressions.DefaultSqlFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.module.Module;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A Flink catalog whose tables are a Runnel server's streams. A stream created as a table keeps its schema
 * and format in its metadata; any other stream appears as {@code (partition_key, data BYTES, arrival_time,
 * shard_id, sequence_number)} in the raw format. CREATE TABLE creates the stream and DROP TABLE deletes it.
 * Views, functions and tables over something else (another connector, or another stream with its own schema)
 * live in the catalog's memory for the session, as in Flink's in-memory catalog.
 */
public final class RunnelCatalog extends GenericInMemoryCatalog {

    private static final Logger LOG = LoggerFactory.getLogger(RunnelCatalog.class);
    private static final Duration STATE_CHANGE_TIMEOUT = Duration.ofSeconds(60);
    /** Options a stream's table always gets from the catalog rather than from what was stored. */
    private static final List<String> CONNECTION_OPTIONS = List.of(FactoryUtil.CONNECTOR.key(),
            RunnelConnectorOptions.STREAM.key(), RunnelConnectorOptions.BOOTSTRAP_SERVERS.key(),
            RunnelConnectorOptions.METADATA_TOPIC.key());

    private final String bootstrapServers;
    private final String metadataTopic;
    private final RunnelApiClient api;
    private MetadataLog metadata;

    /** The Flink module of Runnel's SQL functions (in runnel-sql). */
    static final String FUNCTIONS_MODULE = "runnel";

    /** A catalog with the options of {@link RunnelCatalogOptions}; {@code flinkConfiguration} may name the server. */
    public RunnelCatalog(String name, ReadableConfig options, ReadableConfig flinkConfiguration) {
        super(name, options.get(RunnelCatalogOptions.DEFAULT_DATABASE));
        this.api = RunnelApiClient.of(options, flinkConfiguration);
        this.bootstrapServers = options.getOptional(RunnelCatalogOptions.BOOTSTRAP_SERVERS).orElseGet(api::bootstrapServers);
        this.metadataTopic = options.get(RunnelCatalogOptions.METADATA_TOPIC);
    }

    @Override
    public void open() {
        super.open();
        addRunnelFunctions();
        metadata = new MetadataLog(bootstrapServers, metadataTopic);
        try {
            metadata.startReading(STATE_CHANGE_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CatalogException("interrupted while reading Runnel's stream metadata", e);
        } catch (TimeoutException | RuntimeException e) {
            throw new CatalogException("cannot read Runnel's stream metadata from Kafka at " + bootstrapServers + ": " + e.getMessage(), e);
        }
    }

    /**
     * Makes Runnel's SQL functions (the {@code runnel} module, where the class path has it, as the runtime's does)
     * functions of this catalog, so that every session and application in it calls them without CREATE FUNCTION.
     */
    private void addRunnelFunctions() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader() != null ? Thread.currentThread().getContextClassLoader()
                : RunnelCatalog.class.getClassLoader();
        Module module;
        try {
            module = FactoryUtil.createModule(FUNCTIONS_MODULE, Map.of(), new Configuration(), loader);
        } catch (ValidationException e) {
            LOG.info("Runnel's SQL functions (module '{}') are not on this class path; the catalog has none: {}",
                    FUNCTIONS_MODULE, e.getMessage());
            return;
        }
        for (String name : module.listFunctions()) {
            module.getFunctionDefinition(name).ifPresent(function -> {
                try {
                    createFunction(new ObjectPath(getDefaultDatabase(), name),
                            new CatalogFunctionImpl(function.getClass().getName(), FunctionLanguage.JAVA), true);
                } catch (FunctionAlreadyExistException | DatabaseNotExistException e) {
                    throw new CatalogException("cannot add function " + name + " to the Runnel catalog", e);
                }
            });
        }
    }

    @Override
    public void close() {
        if (metadata != null) {
            metadata.close();
        }
        super.close();
    }

    @Override
    public void createDatabase(String name, CatalogDatabase database, boolean ignoreIfExists) {
        throw new CatalogException("a Runnel catalog has one database, '" + getDefaultDatabase() + "'");
    }

    @Override
    public List<String> listTables(String databaseName) throws DatabaseNotExistException {
        TreeSet<String> names = new TreeSet<>(super.listTables(databaseName));
        if (databaseName.equals(getDefaultDatabase())) {
            metadata.all().stream().filter(live()).forEach(s -> names.add(s.name()));
        }
        return new ArrayList<>(names);
    }

    @Override
    public boolean tableExists(ObjectPath path) {
        return stream(path).isPresent() || super.tableExists(path);
    }

    @Override
    public CatalogBaseTable getTable(ObjectPath path) throws TableNotExistException {
        Optional<StreamMetadata> stream = stream(path);
        return stream.isPresent() ? tableOf(stream.get()) : super.getTable(path);
    }

    @Override
    public void createTable(ObjectPath path, CatalogBaseTable table, boolean ignoreIfExists)
            throws TableAlreadyExistException, DatabaseNotExistException {
        if (!(table instanceof ResolvedCatalogTable resolved) || !makesStream(path, table)) {
            super.createTable(path, table instanceof ResolvedCatalogTable r ? withConnection(r) : table, ignoreIfExists);
            return;
        }
        if (!path.getDatabaseName().equals(getDefaultDatabase())) {
            throw new DatabaseNotExistException(getName(), path.getDatabaseName());
        }
        if (tableExists(path)) {
            if (ignoreIfExists) {
                return;
            }
            throw new TableAlreadyExistException(getName(), path);
        }
        Map<String, String> stored = storedForm(table);
        int shards = Integer.parseInt(table.getOptions().getOrDefault(RunnelCatalogOptions.SHARD_COUNT.key(),
                Integer.toString(RunnelCatalogOptions.SHARD_COUNT.defaultValue())));
        String name = path.getObjectName();
        api.createStream(name, shards);
        awaitServer(name, status -> status.equals(Optional.of(StreamStatus.ACTIVE.name())), "become ACTIVE");
        api.putStreamTable(name, stored);
        awaitStream(name, s -> s.isPresent() && s.get().table().equals(stored), "store its table");
    }

    @Override
    public void alterTable(ObjectPath path, CatalogBaseTable table, boolean ignoreIfNotExists) throws TableNotExistException {
        if (stream(path).isEmpty()) {
            super.alterTable(path, table, ignoreIfNotExists);
            return;
        }
        Map<String, String> stored = storedForm(table);
        api.putStreamTable(path.getObjectName(), stored);
        awaitStream(path.getObjectName(), s -> s.isPresent() && s.get().table().equals(stored), "store its table");
    }

    @Override
    public void dropTable(ObjectPath path, boolean ignoreIfNotExists) throws TableNotExistException {
        if (stream(path).isEmpty()) {
            super.dropTable(path, ignoreIfNotExists);
            return;
        }
        api.deleteStream(path.getObjectName());
        // So that a CREATE TABLE of the same name right after finds the name free, here and on the server.
        awaitServer(path.getObjectName(), Optional::isEmpty, "be deleted");
        awaitStream(path.getObjectName(), Optional::isEmpty, "be deleted");
    }

    @Override
    public void renameTable(ObjectPath path, String newName, boolean ignoreIfNotExists) throws TableNotExistException,
            TableAlreadyExistException {
        if (stream(path).isPresent()) {
            throw new CatalogException("a Runnel stream cannot be renamed; create a new table and INSERT INTO it");
        }
        super.renameTable(path, newName, ignoreIfNotExists);
    }

    private Optional<StreamMetadata> stream(ObjectPath path) {
        if (!path.getDatabaseName().equals(getDefaultDatabase())) {
            return Optional.empty();
        }
        return metadata.get(path.getObjectName()).filter(live());
    }

    private static Predicate<StreamMetadata> live() {
        return s -> s.status() != StreamStatus.DELETING;
    }

    /**
     * Whether CREATE TABLE makes a stream of the table's name: unless the table says it reads something else,
     * another connector or another stream. Such a table lives in the catalog's memory for the session, as
     * in Flink's own in-memory catalog.
     */
    private static boolean makesStream(ObjectPath path, CatalogBaseTable table) {
        String connector = table.getOptions().get(FactoryUtil.CONNECTOR.key());
        String stream = table.getOptions().get(RunnelConnectorOptions.STREAM.key());
        if (connector == null) {
            return true;
        }
        return connector.equals(RunnelDynamicTableFactory.IDENTIFIER) && (stream == null || stream.equals(path.getObjectName()));
    }

    /** A session table over a Runnel stream gets the catalog's Kafka address, unless it names one. */
    private ResolvedCatalogTable withConnection(ResolvedCatalogTable table) {
        if (!RunnelDynamicTableFactory.IDENTIFIER.equals(table.getOptions().get(FactoryUtil.CONNECTOR.key()))) {
            return table;
        }
        Map<String, String> options = new HashMap<>(table.getOptions());
        options.putIfAbsent(RunnelConnectorOptions.BOOTSTRAP_SERVERS.key(), bootstrapServers);
        options.putIfAbsent(RunnelConnectorOptions.METADATA_TOPIC.key(), metadataTopic);
        return table.copy(options);
    }

    /** The table as the stream's metadata keeps it: without the options the catalog supplies when reading it. */
    private Map<String, String> storedForm(CatalogBaseTable table) {
        if (!(table instanceof ResolvedCatalogTable resolved)) {
            throw new CatalogException("a Runnel catalog stores resolved tables only, not " + table.getClass().getSimpleName());
        }
        Map<String, String> options = new HashMap<>(table.getOptions());
        CONNECTION_OPTIONS.forEach(options::remove);
        options.remove(RunnelCatalogOptions.SHARD_COUNT.key());
        options.putIfAbsent(FactoryUtil.FORMAT.key(), "json");
        return CatalogPropertiesUtil.serializeCatalogTable(resolved.copy(options), DefaultSqlFactory.INSTANCE);
    }

    private CatalogTable tableOf(StreamMetadata stream) {
        Map<String, String> options = new HashMap<>();
        CatalogTable table;
        if (stream.table().isEmpty()) {
            options.put(FactoryUtil.FORMAT.key(), "raw");
            table = CatalogTable.newBuilder().schema(Schema.newBuilder()
                            .columnByMetadata("partition_key", DataTypes.STRING(), true)
                            .column("data", DataTypes.BYTES())
                            .columnByMetadata("arrival_time", DataTypes.TIMESTAMP_LTZ(3), true)
                            .columnByMetadata("shard_id", DataTypes.STRING(), true)
                            .columnByMetadata("sequence_number", DataTypes.STRING(), true)
                            .build())
                    .comment("Runnel stream " + stream.name() + ": its records as raw bytes")
                    .options(options).build();
        } else {
            table = CatalogPropertiesUtil.deserializeCatalogTable(stream.table());
            options.putAll(table.getOptions());
        }
        options.put(FactoryUtil.CONNECTOR.key(), RunnelDynamicTableFactory.IDENTIFIER);
        options.put(RunnelConnectorOptions.STREAM.key(), stream.name());
        options.put(RunnelConnectorOptions.BOOTSTRAP_SERVERS.key(), bootstrapServers);
        options.put(RunnelConnectorOptions.METADATA_TOPIC.key(), metadataTopic);
        return table.copy(options);
    }

    /**
     * Waits for the server's own view, not just the metadata topic: the server applies the topic a moment
     * after the catalog may have read it, and the next call goes to the server.
     */
    private void awaitServer(String name, Predicate<Optional<String>> condition, String what) {
        await(name, () -> api.streamStatus(name), condition, what);
    }

    private void awaitStream(String name, Predicate<Optional<StreamMetadata>> condition, String what) {
        await(name, () -> {
            try {
                metadata.catchUp().get(STATE_CHANGE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                throw new CatalogException("cannot read Runnel's stream metadata: " + e.getMessage(), e);
            }
            return metadata.get(name);
        }, condition, what);
    }

    private static <T> void await(String name, Supplier<T> look, Predicate<T> condition, String what) {
        long deadline = System.nanoTime() + STATE_CHANGE_TIMEOUT.toNanos();
        while (!condition.test(look.get())) {
            if (System.nanoTime() > deadline) {
                throw new CatalogException("stream '" + name + "' did not " + what + " within " + STATE_CHANGE_TIMEOUT.toSeconds() + " s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }
}
