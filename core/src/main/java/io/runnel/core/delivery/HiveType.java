package io.runnel.core.delivery;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A Hive column type as a Glue table names it: {@code bigint}, {@code decimal(10,2)},
 * {@code array<struct<name:string,tier:string>>}, ...
 *
 * @param name     the type's name in lower case (string, int, decimal, array, map, struct, ...)
 * @param params   decimal's precision and scale, varchar's and char's length
 * @param children an array's element, a map's key and value, a struct's fields
 * @param fields   a struct's field names, in order
 */
public record HiveType(String name, List<Integer> params, List<HiveType> children, List<String> fields) implements Serializable {

    private static final List<String> PRIMITIVES = List.of("string", "varchar", "char", "boolean", "tinyint", "smallint", "int",
            "integer", "bigint", "float", "double", "decimal", "date", "timestamp", "binary");

    /** Reads a type, or says what is wrong with it. */
    public static HiveType parse(String text) {
        Parser parser = new Parser(text);
        HiveType type = parser.type();
        parser.skipSpaces();
        if (parser.at < text.length()) {
            throw parser.error("unexpected '" + text.charAt(parser.at) + "'");
        }
        return type;
    }

    private static final class Parser {
        final String text;
        int at;

        Parser(String text) {
            this.text = text == null ? "" : text;
        }

        HiveType type() {
            String name = word().toLowerCase(Locale.ROOT);
            switch (name) {
                case "array" -> {
                    expect('<');
                    HiveType element = type();
                    expect('>');
                    return new HiveType(name, List.of(), List.of(element), List.of());
                }
                case "map" -> {
                    expect('<');
                    HiveType key = type();
                    expect(',');
                    HiveType value = type();
                    expect('>');
                    if (!key.isPrimitive()) {
                        throw error("a map's key must be a primitive type, not " + key.name());
                    }
                    return new HiveType(name, List.of(), List.of(key, value), List.of());
                }
                case "struct" -> {
                    expect('<');
                    List<String> names = new ArrayList<>();
                    List<HiveType> types = new ArrayList<>();
                    do {
                        names.add(word());
                        expect(':');
                        types.add(type());
                    } while (accept(','));
                    expect('>');
                    return new HiveType(name, List.of(), types, names);
                }
                default -> {
                    if (!PRIMITIVES.contains(name)) {
                        throw error("unknown type '" + name + "'");
                    }
                    List<Integer> params = new ArrayList<>();
                    if (accept('(')) {
                        do {
                            params.add(number());
                        } while (accept(','));
                        expect(')');
                    }
                    String canonical = name.equals("integer") ? "int" : name;
                    checkParams(canonical, params);
                    return new HiveType(canonical, params, List.of(), List.of());
                }
            }
        }

        private void checkParams(String name, List<Integer> params) {
            switch (name) {
                case "decimal" -> {
                    if (params.size() > 2 || params.stream().anyMatch(p -> p < 0)
                            || (!params.isEmpty() && (params.get(0) < 1 || params.get(0) > 38))
                            || (params.size() == 2 && params.get(1) > params.get(0))) {
                        throw error("decimal takes (precision 1-38, scale 0-precision)");
                    }
                }
                case "varchar", "char" -> {
                    if (params.size() != 1 || params.get(0) < 1) {
                        throw error(name + " takes one length of at least 1");
                    }
                }
                default -> {
                    if (!params.isEmpty()) {
                        throw error(name + " takes no parameters");
                    }
                }
            }
        }

        String word() {
            skipSpaces();
            int start = at;
            while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '_')) {
                at++;
            }
            if (start == at) {
                throw error(at < text.length() ? "unexpected '" + text.charAt(at) + "'" : "a type is missing");
            }
            return text.substring(start, at);
        }

        int number() {
            String digits = word();
            try {
                return Integer.parseInt(digits);
            } catch (NumberFormatException e) {
                throw error("'" + digits + "' is not a number");
            }
        }

        boolean accept(char c) {
            skipSpaces();
            if (at < text.length() && text.charAt(at) == c) {
                at++;
                return true;
            }
            return false;
        }

        void expect(char c) {
            if (!accept(c)) {
                throw error("'" + c + "' expected");
            }
        }

        void skipSpaces() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("'" + text + "' is not a Hive type: " + what + " at position " + (at + 1));
        }
    }

    public boolean isPrimitive() {
        return children.isEmpty() && !name.equals("struct");
    }

    /** decimal's precision (Hive's default 10). */
    public int precision() {
        return params.isEmpty() ? 10 : params.get(0);
    }

    /** decimal's scale (Hive's default 0). */
    public int scale() {
        return params.size() < 2 ? 0 : params.get(1);
    }
}
