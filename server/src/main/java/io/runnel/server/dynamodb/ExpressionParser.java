package io.runnel.server.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the expressions of one request (condition, filter, key condition, update, projection), resolving its
 * ExpressionAttributeNames and ExpressionAttributeValues, and checks at the end that every one given was used.
 */
public final class ExpressionParser {

    private final JsonNode names;
    private final JsonNode values;
    private final Set<String> usedNames = new LinkedHashSet<>();
    private final Set<String> usedValues = new LinkedHashSet<>();

    /** DynamoDB's limit on an expression's length; nesting is bounded too, so that reading one cannot run out of stack. */
    private static final int MAX_EXPRESSION_CHARS = 4096;
    private static final int MAX_NESTING = 100;
    private int depth;
    private List<Token> tokens;
    private int at;
    private String expression;
    private String member;

    /** @param names ExpressionAttributeNames, or null; @param values ExpressionAttributeValues, or null */
    public ExpressionParser(JsonNode names, JsonNode values) {
        this.names = names;
        this.values = values;
        if (values != null) {
            Iterator<String> keys = values.fieldNames();
            while (keys.hasNext()) {
                String key = keys.next();
                try {
                    AttributeValues.check(values.get(key));
                } catch (RuntimeException e) {
                    throw DynamoDbException.validation("ExpressionAttributeValues contains invalid value: " + e.getMessage() + " for key " + key);
                }
            }
        }
    }

    /** Every name and value given must have been used by the expressions read. */
    public void requireAllUsed() {
        if (names != null) {
            Set<String> unused = unused(names, usedNames);
            if (!unused.isEmpty()) {
                throw DynamoDbException.validation("Value provided in ExpressionAttributeNames unused in expressions: keys: {"
                        + String.join(", ", unused) + "}");
            }
        }
        if (values != null) {
            Set<String> unused = unused(values, usedValues);
            if (!unused.isEmpty()) {
                throw DynamoDbException.validation("Value provided in ExpressionAttributeValues unused in expressions: keys: {"
                        + String.join(", ", unused) + "}");
            }
        }
    }

    private static Set<String> unused(JsonNode given, Set<String> used) {
        Set<String> unused = new LinkedHashSet<>();
        given.fieldNames().forEachRemaining(k -> {
            if (!used.contains(k)) {
                unused.add(k);
            }
        });
        return unused;
    }

    public Condition condition(String text, String member) {
        start(text, member);
        Condition c = or();
        end();
        return c;
    }

    public List<DocumentPath> projection(String text) {
        start(text, "ProjectionExpression");
        List<DocumentPath> paths = new ArrayList<>();
        paths.add(path());
        while (accept(",")) {
            paths.add(path());
        }
        end();
        return paths;
    }

    public ItemUpdate update(String text) {
        start(text, "UpdateExpression");
        List<ItemUpdate.Action> actions = new ArrayList<>();
        EnumSet<ItemUpdate.Kind> seen = EnumSet.noneOf(ItemUpdate.Kind.class);
        while (peek() != null) {
            Token t = next();
            ItemUpdate.Kind kind;
            try {
                kind = t.kind == TokenKind.NAME ? ItemUpdate.Kind.valueOf(t.text.toUpperCase(Locale.ROOT)) : null;
            } catch (IllegalArgumentException e) {
                kind = null;
            }
            if (kind == null) {
                throw syntax(t);
            }
            if (!seen.add(kind)) {
                throw invalid("The \"" + kind + "\" section can only be used once in an update expression;");
            }
            do {
                DocumentPath path = path();
                switch (kind) {
                    case SET -> {
                        expect("=");
                        actions.add(new ItemUpdate.Action(kind, path, setValue()));
                    }
                    case REMOVE -> actions.add(new ItemUpdate.Action(kind, path, null));
                    default -> actions.add(new ItemUpdate.Action(kind, path, value()));
                }
            } while (accept(","));
        }
        if (actions.isEmpty()) {
            throw invalid("The expression can not be empty;");
        }
        for (int i = 0; i < actions.size(); i++) {
            for (int j = i + 1; j < actions.size(); j++) {
                List<Object> a = actions.get(i).path().steps();
                List<Object> b = actions.get(j).path().steps();
                if (a.subList(0, Math.min(a.size(), b.size())).equals(b.subList(0, Math.min(a.size(), b.size())))) {
                    throw invalid("Two document paths overlap with each other; must remove or rewrite one of these paths; path one: "
                            + shown(a) + ", path two: " + shown(b));
                }
            }
        }
        return new ItemUpdate(actions);
    }

    private static String shown(List<Object> steps) {
        return steps.stream().map(step -> step instanceof Integer n ? "[" + n + "]" : step.toString())
                .collect(java.util.stream.Collectors.joining(", ", "[", "]"));
    }

    // --- conditions

    private Condition or() {
        Condition c = and();
        while (acceptKeyword("OR")) {
            c = new Condition.Or(c, and());
        }
        return c;
    }

    private Condition and() {
        Condition c = not();
        while (acceptKeyword("AND")) {
            c = new Condition.And(c, not());
        }
        return c;
    }

    private Condition not() {
        if (acceptKeyword("NOT")) {
            if (++depth > MAX_NESTING) {
                throw invalid("The expression has too many nested operators;");
            }
            Condition c = new Condition.Not(not());
            depth--;
            return c;
        }
        return primary();
    }

    private Condition primary() {
        if (accept("(")) {
            if (++depth > MAX_NESTING) {
                throw invalid("The expression has too many nested parentheses;");
            }
            Condition c = or();
            expect(")");
            depth--;
            return c;
        }
        Token t = peek();
        if (t != null && t.kind == TokenKind.NAME && lookingAt(1, "(") && !t.text.equals("size")) {
            next();
            expect("(");
            Condition c = switch (t.text) {
                case "attribute_exists" -> new Condition.Exists(path(), true);
                case "attribute_not_exists" -> new Condition.Exists(path(), false);
                case "attribute_type" -> {
                    DocumentPath p = path();
                    expect(",");
                    yield new Condition.HasType(p, operand());
                }
                case "begins_with" -> {
                    Operand v = operand();
                    expect(",");
                    yield new Condition.BeginsWith(v, operand());
                }
                case "contains" -> {
                    Operand v = operand();
                    expect(",");
                    yield new Condition.Contains(v, operand());
                }
                default -> throw invalid("Invalid function name; function: " + t.text);
            };
            expect(")");
            return c;
        }
        Operand left = operand();
        if (acceptKeyword("BETWEEN")) {
            Operand low = operand();
            if (!acceptKeyword("AND")) {
                throw syntax(peek());
            }
            return new Condition.Between(left, low, operand());
        }
        if (acceptKeyword("IN")) {
            expect("(");
            List<Operand> candidates = new ArrayList<>();
            do {
                candidates.add(operand());
            } while (accept(","));
            expect(")");
            return new Condition.In(left, candidates);
        }
        Token op = next();
        Condition.Comparator comparator = op == null || op.kind != TokenKind.SYMBOL ? null : switch (op.text) {
            case "=" -> Condition.Comparator.EQ;
            case "<>" -> Condition.Comparator.NE;
            case "<" -> Condition.Comparator.LT;
            case "<=" -> Condition.Comparator.LE;
            case ">" -> Condition.Comparator.GT;
            case ">=" -> Condition.Comparator.GE;
            default -> null;
        };
        if (comparator == null) {
            throw syntax(op);
        }
        return new Condition.Compare(left, comparator, operand());
    }

    private Operand operand() {
        Token t = peek();
        if (t != null && t.kind == TokenKind.VALUE) {
            return new Operand.Value(value(next()));
        }
        if (t != null && t.kind == TokenKind.NAME && t.text.equals("size") && lookingAt(1, "(")) {
            next();
            expect("(");
            DocumentPath p = path();
            expect(")");
            return new Operand.Size(p);
        }
        return new Operand.Path(path());
    }

    // --- update values

    private Operand setValue() {
        Operand left = setOperand();
        if (accept("+")) {
            return new Operand.Arithmetic(left, true, setOperand());
        }
        if (accept("-")) {
            return new Operand.Arithmetic(left, false, setOperand());
        }
        return left;
    }

    private Operand setOperand() {
        Token t = peek();
        if (t != null && t.kind == TokenKind.VALUE) {
            return new Operand.Value(value(next()));
        }
        if (t != null && t.kind == TokenKind.NAME && lookingAt(1, "(")) {
            next();
            expect("(");
            Operand o = switch (t.text) {
                case "if_not_exists" -> {
                    DocumentPath p = path();
                    expect(",");
                    yield new Operand.IfNotExists(p, setValue());
                }
                case "list_append" -> {
                    Operand a = setValue();
                    expect(",");
                    yield new Operand.ListAppend(a, setValue());
                }
                default -> throw invalid("Invalid function name; function: " + t.text);
            };
            expect(")");
            return o;
        }
        return new Operand.Path(path());
    }

    private Operand value() {
        Token t = next();
        if (t == null || t.kind != TokenKind.VALUE) {
            throw syntax(t);
        }
        return new Operand.Value(value(t));
    }

    private JsonNode value(Token t) {
        JsonNode v = values == null ? null : values.get(t.text);
        if (v == null) {
            throw invalid("An expression attribute value used in expression is not defined; attribute value: " + t.text);
        }
        usedValues.add(t.text);
        return v;
    }

    // --- paths

    private DocumentPath path() {
        List<Object> steps = new ArrayList<>();
        steps.add(name(next()));
        while (true) {
            if (accept(".")) {
                steps.add(name(next()));
            } else if (accept("[")) {
                Token n = next();
                if (n == null || n.kind != TokenKind.NUMBER) {
                    throw syntax(n);
                }
                try {
                    steps.add(Integer.parseInt(n.text));
                } catch (NumberFormatException e) {
                    throw invalid("List index is not within the allowable range; index: [" + n.text + "]");
                }
                expect("]");
            } else {
                return new DocumentPath(steps);
            }
        }
    }

    private String name(Token t) {
        if (t == null || (t.kind != TokenKind.NAME && t.kind != TokenKind.PLACEHOLDER)) {
            throw syntax(t);
        }
        if (t.kind == TokenKind.NAME) {
            if (KEYWORDS.contains(t.text.toUpperCase(Locale.ROOT))) {
                throw invalid("Attribute name is a reserved keyword; reserved keyword: " + t.text);
            }
            return t.text;
        }
        JsonNode name = names == null ? null : names.get(t.text);
        if (name == null) {
            throw invalid("An expression attribute name used in the document path is not defined; attribute name: " + t.text);
        }
        usedNames.add(t.text);
        return name.asText();
    }

    /** The words of the expression grammar itself; DynamoDB reserves some 570 more, which are taken here as names. */
    private static final Set<String> KEYWORDS = Set.of("AND", "OR", "NOT", "BETWEEN", "IN", "SET", "REMOVE", "ADD", "DELETE");

    // --- tokens

    private enum TokenKind { NAME, PLACEHOLDER, VALUE, NUMBER, SYMBOL }

    private record Token(TokenKind kind, String text, int position) {
    }

    private void start(String text, String member) {
        this.expression = text;
        this.member = member;
        this.depth = 0;
        if (text.length() > MAX_EXPRESSION_CHARS) {
            throw DynamoDbException.validation("Invalid " + member + ": Expression size has exceeded the maximum allowed size;");
        }
        this.tokens = tokenize(text);
        this.at = 0;
        if (tokens.isEmpty()) {
            throw invalid("The expression can not be empty;");
        }
    }

    private void end() {
        if (peek() != null) {
            throw syntax(peek());
        }
    }

    private Token peek() {
        return at < tokens.size() ? tokens.get(at) : null;
    }

    private Token next() {
        return at < tokens.size() ? tokens.get(at++) : null;
    }

    private boolean lookingAt(int ahead, String symbol) {
        int i = at + ahead;
        return i < tokens.size() && tokens.get(i).kind == TokenKind.SYMBOL && tokens.get(i).text.equals(symbol);
    }

    private boolean accept(String symbol) {
        if (lookingAt(0, symbol)) {
            at++;
            return true;
        }
        return false;
    }

    private boolean acceptKeyword(String keyword) {
        Token t = peek();
        if (t != null && t.kind == TokenKind.NAME && t.text.equalsIgnoreCase(keyword)) {
            at++;
            return true;
        }
        return false;
    }

    private void expect(String symbol) {
        if (!accept(symbol)) {
            throw syntax(peek());
        }
    }

    private List<Token> tokenize(String text) {
        List<Token> found = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            int start = i;
            if (c == '#' || c == ':') {
                i++;
                while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_')) {
                    i++;
                }
                if (i == start + 1) {
                    throw invalid("Syntax error; token: \"" + c + "\", near: \"" + near(start) + "\"");
                }
                found.add(new Token(c == '#' ? TokenKind.PLACEHOLDER : TokenKind.VALUE, text.substring(start, i), start));
            } else if (Character.isLetter(c) || c == '_') {
                while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_')) {
                    i++;
                }
                found.add(new Token(TokenKind.NAME, text.substring(start, i), start));
            } else if (Character.isDigit(c)) {
                while (i < text.length() && Character.isDigit(text.charAt(i))) {
                    i++;
                }
                found.add(new Token(TokenKind.NUMBER, text.substring(start, i), start));
            } else if (text.startsWith("<=", i) || text.startsWith(">=", i) || text.startsWith("<>", i)) {
                i += 2;
                found.add(new Token(TokenKind.SYMBOL, text.substring(start, i), start));
            } else if ("=<>(),.[]+-".indexOf(c) >= 0) {
                i++;
                found.add(new Token(TokenKind.SYMBOL, String.valueOf(c), start));
            } else {
                throw invalid("Invalid token: " + c + " at " + start);
            }
        }
        return found;
    }

    private String near(int position) {
        return expression.substring(Math.max(0, position - 10), Math.min(expression.length(), position + 10));
    }

    private RuntimeException syntax(Token t) {
        if (t == null) {
            return invalid("Syntax error; token: \"<EOF>\", near: \"" + near(expression.length()) + "\"");
        }
        return invalid("Syntax error; token: \"" + t.text + "\", near: \"" + near(t.position) + "\"");
    }

    private RuntimeException invalid(String message) {
        return DynamoDbException.validation("Invalid " + member + ": " + message);
    }
}
