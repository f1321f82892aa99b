package io.runnel.jobs.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * A SQL script cut into the pieces that may be statements: text up to each semicolon that is not inside a
 * quoted string, a quoted identifier or a comment. A piece may still be only the start of a statement
 * ({@code EXECUTE STATEMENT SET BEGIN ... END;} holds semicolons of its own): the caller joins pieces until
 * Flink's parser no longer asks for more.
 */
final class SqlScript {

    private enum State { NORMAL, SINGLE_QUOTE, DOUBLE_QUOTE, BACK_QUOTE, LINE_COMMENT, BLOCK_COMMENT }

    private SqlScript() {
    }

    /** The script's pieces, each with its semicolon; a last piece without one is kept unless it is blank. */
    static List<String> pieces(String script) {
        List<String> pieces = new ArrayList<>();
        State state = State.NORMAL;
        int start = 0;
        for (int i = 0; i < script.length(); i++) {
            char c = script.charAt(i);
            char next = i + 1 < script.length() ? script.charAt(i + 1) : 0;
            switch (state) {
                case NORMAL -> {
                    if (c == '\'') {
                        state = State.SINGLE_QUOTE;
                    } else if (c == '"') {
                        state = State.DOUBLE_QUOTE;
                    } else if (c == '`') {
                        state = State.BACK_QUOTE;
                    } else if (c == '-' && next == '-') {
                        state = State.LINE_COMMENT;
                        i++;
                    } else if (c == '/' && next == '*') {
                        state = State.BLOCK_COMMENT;
                        i++;
                    } else if (c == ';') {
                        pieces.add(script.substring(start, i + 1));
                        start = i + 1;
                    }
                }
                // A doubled quote inside a string is an escaped quote: leaving and re-entering the state reads it right.
                case SINGLE_QUOTE -> state = c == '\'' ? State.NORMAL : state;
                case DOUBLE_QUOTE -> state = c == '"' ? State.NORMAL : state;
                case BACK_QUOTE -> state = c == '`' ? State.NORMAL : state;
                case LINE_COMMENT -> state = c == '\n' ? State.NORMAL : state;
                case BLOCK_COMMENT -> {
                    if (c == '*' && next == '/') {
                        state = State.NORMAL;
                        i++;
                    }
                }
            }
        }
        String rest = script.substring(start);
        if (!isBlank(rest)) {
            pieces.add(rest);
        }
        return pieces;
    }

    /** Whether a piece holds nothing but white space and comments. */
    static boolean isBlank(String piece) {
        String withoutComments = piece.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("--[^\n]*", " ");
        return withoutComments.replace(";", " ").isBlank();
    }
}
