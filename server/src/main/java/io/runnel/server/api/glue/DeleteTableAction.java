package io.runnel.server.api.glue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.glue.GlueCatalog;

import java.util.List;
import java.util.concurrent.CompletableFuture;

final class DeleteTableAction implements GlueAction {

    @Override
    public List<Member> input() {
        return List.of(GlueMembers.catalogId(), GlueMembers.name("DatabaseName").required(), GlueMembers.name("Name").required(),
                Member.string("TransactionId").length(1, 255));
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Glue glue) {
        glue.checkCatalog(request.string("CatalogId"));
        String databaseName = request.string("DatabaseName");
        String name = request.string("Name");
        return glue.catalog.change(() -> {
            glue.requireTable(databaseName, name);
            glue.catalog.deleteTable(databaseName, name);
            return (JsonNode) Glue.object();
        });
    }
}
