package io.runnel.server.api.glue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.glue.GlueCatalog;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Databases in name order, {@code MaxResults} (default 100) at a time. */
final class GetDatabasesAction implements GlueAction {

    @Override
    public List<Member> input() {
        return List.of(GlueMembers.catalogId(), Member.string("NextToken"), Member.integer("MaxResults").range(1, 100),
                Member.string("ResourceShareType").oneOf("FOREIGN", "ALL", "FEDERATED"));
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Glue glue) {
        glue.checkCatalog(request.string("CatalogId"));
        int from = Glue.offset(request.string("NextToken"));
        int limit = request.integer("MaxResults", 100);
        List<GlueCatalog.Database> databases = glue.catalog.databases();
        ObjectNode response = Glue.object();
        var list = response.putArray("DatabaseList");
        databases.stream().skip(from).limit(limit).forEach(d -> list.add(glue.describe(d)));
        if (databases.size() > (long) from + limit) {
            response.put("NextToken", Integer.toString(from + limit));
        }
        return Glue.done(response);
    }
}
