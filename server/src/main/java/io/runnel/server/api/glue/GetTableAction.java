package io.runnel.server.api.glue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.glue.GlueCatalog;

import java.util.List;
import java.util.concurrent.CompletableFuture;

final class GetTableAction implements GlueAction {

    @Override
    public List<Member> input() {
        return List.of(GlueMembers.catalogId(), GlueMembers.name("DatabaseName").required(), GlueMembers.name("Name").required());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Glue glue) {
        glue.checkCatalog(request.string("CatalogId"));
        ObjectNode response = Glue.object();
        response.set("Table", glue.describe(glue.requireTable(request.string("DatabaseName"), request.string("Name"))));
        return Glue.done(response);
    }
}
