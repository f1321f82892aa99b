package io.runnel.server.api.glue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.glue.GlueCatalog;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The tables of a database in name order, {@code MaxResults} (default 100) at a time; {@code Expression} keeps those
 * whose name matches it as a regular expression, as Glue reads it.
 */
final class GetTablesAction implements GlueAction {

    @Override
    public List<Member> input() {
        return List.of(GlueMembers.catalogId(), GlueMembers.name("DatabaseName").required(), Member.string("Expression").length(0, 2048),
                Member.string("NextToken"), Member.integer("MaxResults").range(1, 100));
    }

    /**
     * How many characters an Expression may read over all of a database's tables (it runs on the event loop): far
     * more than any sensible one needs, a few hundred milliseconds of one that backtracks without end.
     */
    private static final long MAX_CHARACTERS_READ = 20_000_000;

    /** A table name that stops a regular expression once the characters it read exceed the budget. */
    private record Budgeted(String name, long[] read, String expression) implements CharSequence {
        @Override
        public char charAt(int index) {
            if (++read[0] > MAX_CHARACTERS_READ) {
                throw io.runnel.server.http.ApiException.badRequest("InvalidInputException", "Expression " + expression
                        + " takes too long to match the table names (it backtracks too much); simplify it.");
            }
            return name.charAt(index);
        }

        @Override
        public int length() {
            return name.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Budgeted(name.substring(start, end), read, expression);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Glue glue) {
        glue.checkCatalog(request.string("CatalogId"));
        String databaseName = request.string("DatabaseName");
        glue.requireDatabase(databaseName);
        java.util.regex.Pattern expression;
        try {
            expression = request.has("Expression") ? java.util.regex.Pattern.compile(request.string("Expression")) : null;
        } catch (java.util.regex.PatternSyntaxException e) {
            throw io.runnel.server.http.ApiException.badRequest("InvalidInputException",
                    "Expression " + request.string("Expression") + " is not a valid regular expression: " + e.getDescription());
        }
        int from = Glue.offset(request.string("NextToken"));
        int limit = request.integer("MaxResults", 100);
        long[] read = {0};
        List<GlueCatalog.Table> tables = glue.catalog.tables(databaseName).stream()
                .filter(t -> expression == null || expression.matcher(new Budgeted(t.name(), read, request.string("Expression"))).matches())
                .toList();
        ObjectNode response = Glue.object();
        var list = response.putArray("TableList");
        tables.stream().skip(from).limit(limit).forEach(t -> list.add(glue.describe(t)));
        if (tables.size() > (long) from + limit) {
            response.put("NextToken", Integer.toString(from + limit));
        }
        return Glue.done(response);
    }
}
