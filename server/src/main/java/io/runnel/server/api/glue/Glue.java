package io.runnel.server.api.glue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.RunnelConfig;
import io.runnel.server.api.ApiService;
import io.runnel.server.glue.GlueCatalog;
import io.runnel.server.http.ApiException;
import io.runnel.server.http.WireFormat;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static java.util.Map.entry;

/** The part of the AWS Glue Data Catalog API ({@code AWSGlue}) that Firehose's format conversion reads schemas from. */
public final class Glue {

    public static final String SERVICE = "AWSGlue";
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static final Map<String, GlueAction> ACTIONS = Map.ofEntries(
            entry("CreateDatabase", new CreateDatabaseAction()),
            entry("GetDatabase", new GetDatabaseAction()),
            entry("GetDatabases", new GetDatabasesAction()),
            entry("DeleteDatabase", new DeleteDatabaseAction()),
            entry("CreateTable", new CreateTableAction()),
            entry("GetTable", new GetTableAction()),
            entry("GetTables", new GetTablesAction()),
            entry("UpdateTable", new UpdateTableAction()),
            entry("DeleteTable", new DeleteTableAction()));

    final RunnelConfig config;
    final GlueCatalog catalog;

    public Glue(RunnelConfig config, GlueCatalog catalog) {
        this.config = config;
        this.catalog = catalog;
    }

    public ApiService service() {
        return ApiService.of(SERVICE, ACTIONS, this);
    }

    static ObjectNode object() {
        return NODES.objectNode();
    }

    static CompletableFuture<JsonNode> done(JsonNode response) {
        return CompletableFuture.completedFuture(response);
    }

    static ApiException entityNotFound(String message) {
        return ApiException.badRequest("EntityNotFoundException", message);
    }

    static ApiException alreadyExists(String message) {
        return ApiException.badRequest("AlreadyExistsException", message);
    }

    /** Glue serves one catalog per account, whose id is the account id. */
    void checkCatalog(String catalogId) {
        if (catalogId != null && !catalogId.equals(config.accountId)) {
            throw entityNotFound("Catalog " + catalogId + " not found.");
        }
    }

    GlueCatalog.Database requireDatabase(String name) {
        return catalog.database(name).orElseThrow(() -> entityNotFound("Database " + GlueCatalog.normalize(name) + " not found."));
    }

    GlueCatalog.Table requireTable(String databaseName, String name) {
        requireDatabase(databaseName);
        return catalog.table(databaseName, name).orElseThrow(() -> entityNotFound("Table " + GlueCatalog.normalize(name) + " not found."));
    }

    /** A Database as GetDatabase(s) answers: what DatabaseInput said, with its name, catalog and creation time. */
    ObjectNode describe(GlueCatalog.Database database) {
        ObjectNode d = database.input().deepCopy();
        d.put("Name", database.name());
        d.set("CreateTime", WireFormat.timestamp(database.createdAt()));
        d.put("CatalogId", config.accountId);
        return d;
    }

    /** A Table as GetTable(s) answers: its newest TableInput, with where it lives, its times and version. */
    ObjectNode describe(GlueCatalog.Table table) {
        ObjectNode t = table.input().deepCopy();
        t.put("Name", table.name());
        t.put("DatabaseName", table.databaseName());
        t.set("CreateTime", WireFormat.timestamp(table.createdAt()));
        t.set("UpdateTime", WireFormat.timestamp(table.updatedAt()));
        t.put("CatalogId", config.accountId);
        t.put("VersionId", Long.toString(table.version()));
        t.put("IsRegisteredWithLakeFormation", false);
        return t;
    }

    /** A NextToken this service handed out: how many items came before the next page. */
    static int offset(String token) {
        if (token == null) {
            return 0;
        }
        try {
            int offset = Integer.parseInt(token);
            if (offset >= 0) {
                return offset;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiException.badRequest("InvalidInputException", "NextToken " + token + " is not one this service handed out.");
    }
}
