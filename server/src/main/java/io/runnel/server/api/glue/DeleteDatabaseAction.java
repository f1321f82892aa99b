package io.runnel.server.api.glue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.glue.GlueCatalog;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Deletes a database and, as Glue does, every table in it. */
final class DeleteDatabaseAction implements GlueAction {

    @Override
    public List<Member> input() {
        return List.of(GlueMembers.catalogId(), GlueMembers.name("Name").required());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Glue glue) {
        glue.checkCatalog(request.string("CatalogId"));
        String name = request.string("Name");
        return glue.catalog.change(() -> {
            glue.requireDatabase(name);
            glue.catalog.deleteDatabase(name);
            return (JsonNode) Glue.object();
        });
    }
}
