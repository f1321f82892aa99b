package io.runnel.server.api.glue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.glue.GlueCatalog;

import java.util.List;
import java.util.concurrent.CompletableFuture;

final class CreateDatabaseAction implements GlueAction {

    @Override
    public List<Member> input() {
        return List.of(GlueMembers.catalogId(), GlueMembers.databaseInput(), Member.stringMap("Tags").length(0, 50));
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Glue glue) {
        glue.checkCatalog(request.string("CatalogId"));
        ObjectNode input = ((ObjectNode) request.node("DatabaseInput")).deepCopy();
        String name = GlueCatalog.normalize(input.path("Name").asText());
        input.put("Name", name);
        return glue.catalog.change(() -> {
            if (glue.catalog.database(name).isPresent()) {
                throw Glue.alreadyExists("Database already exists.");
            }
            glue.catalog.save(new GlueCatalog.Database(name, input, System.currentTimeMillis()));
            return (JsonNode) Glue.object();
        });
    }
}
