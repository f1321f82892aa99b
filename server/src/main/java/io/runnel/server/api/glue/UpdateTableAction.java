package io.runnel.server.api.glue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.glue.GlueCatalog;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Replaces a table's definition with a new TableInput, as a new version. */
final class UpdateTableAction implements GlueAction {

    @Override
    public List<Member> input() {
        return List.of(GlueMembers.catalogId(), GlueMembers.name("DatabaseName").required(), GlueMembers.tableInput(),
                Member.bool("SkipArchive"), Member.string("VersionId").length(1, 255));
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Glue glue) {
        glue.checkCatalog(request.string("CatalogId"));
        String databaseName = request.string("DatabaseName");
        ObjectNode input = ((ObjectNode) request.node("TableInput")).deepCopy();
        String name = GlueCatalog.normalize(input.path("Name").asText());
        input.put("Name", name);
        String expectedVersion = request.string("VersionId");
        return glue.catalog.change(() -> {
            GlueCatalog.Table table = glue.requireTable(databaseName, name);
            if (expectedVersion != null && !expectedVersion.equals(Long.toString(table.version()))) {
                throw io.runnel.server.http.ApiException.badRequest("ConcurrentModificationException",
                        "Update table failed due to concurrent modifications.");
            }
            glue.catalog.save(new GlueCatalog.Table(table.databaseName(), name, input, table.createdAt(), System.currentTimeMillis(),
                    table.version() + 1));
            return (JsonNode) Glue.object();
        });
    }
}
