package io.runnel.server.api.glue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.glue.GlueCatalog;

import java.util.List;
import java.util.concurrent.CompletableFuture;

final class CreateTableAction implements GlueAction {

    @Override
    public List<Member> input() {
        return List.of(GlueMembers.catalogId(), GlueMembers.name("DatabaseName").required(), GlueMembers.tableInput());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Glue glue) {
        glue.checkCatalog(request.string("CatalogId"));
        String databaseName = GlueCatalog.normalize(request.string("DatabaseName"));
        ObjectNode input = ((ObjectNode) request.node("TableInput")).deepCopy();
        String name = GlueCatalog.normalize(input.path("Name").asText());
        input.put("Name", name);
        return glue.catalog.change(() -> {
            glue.requireDatabase(databaseName);
            if (glue.catalog.table(databaseName, name).isPresent()) {
                throw Glue.alreadyExists("Table already exists.");
            }
            long now = System.currentTimeMillis();
            glue.catalog.save(new GlueCatalog.Table(databaseName, name, input, now, now, 1));
            return (JsonNode) Glue.object();
        });
    }
}
