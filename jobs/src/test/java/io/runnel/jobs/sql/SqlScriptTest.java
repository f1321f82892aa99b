package io.runnel.jobs.sql;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SqlScriptTest {

    @Test
    void cutsAtSemicolonsOutsideStringsIdentifiersAndComments() {
        String script = """
                -- a comment; not a statement
                CREATE TABLE `a;b` (s STRING) WITH ('connector' = 'x;y');
                /* also; not */ INSERT INTO t SELECT 'it''s; here';
                SET 'k' = "v;w"
                """;

        assertThat(SqlScript.pieces(script)).containsExactly(
                "-- a comment; not a statement\nCREATE TABLE `a;b` (s STRING) WITH ('connector' = 'x;y');",
                "\n/* also; not */ INSERT INTO t SELECT 'it''s; here';",
                "\nSET 'k' = \"v;w\"\n");
    }

    @Test
    void aScriptOfCommentsAndBlankLinesHasNothingToRun() {
        assertThat(SqlScript.pieces("\n-- only this\n/* and this */\n  \n")).isEmpty();
        assertThat(SqlScript.isBlank("  -- x;\n /* y; */ ;")).isTrue();
        assertThat(SqlScript.isBlank("SELECT 1;")).isFalse();
    }
}
