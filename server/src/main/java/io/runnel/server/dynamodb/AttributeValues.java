package io.runnel.server.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * DynamoDB attribute values as they travel in JSON ({@code {"S": "text"}}, {@code {"N": "12"}}, {@code {"B": base64}},
 * sets, {@code M}, {@code L}, {@code NULL}, {@code BOOL}): checking, comparing and the arithmetic of ADD.
 */
public final class AttributeValues {

    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> TYPES = Set.of("S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL");
    /** DynamoDB numbers: up to 38 significant digits, magnitudes from 1E-130 to below 1E126. */
    private static final int MAX_DIGITS = 38;

    private AttributeValues() {
    }

    /** The one type an attribute value names ("S", "N", …). */
    public static String type(JsonNode value) {
        return value.fieldNames().next();
    }

    /** Checks a value as DynamoDB checks a request's values; {@code ValidationException} names what is wrong. */
    public static void check(JsonNode value) {
        if (value == null || !value.isObject() || value.size() != 1 || !TYPES.contains(value.fieldNames().next())) {
            throw DynamoDbException.validation("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
        }
        String type = type(value);
        JsonNode v = value.get(type);
        switch (type) {
            case "S" -> requireText(v, type);
            case "N" -> number(requireText(v, type));
            case "B" -> bytes(requireText(v, type));
            case "BOOL" -> {
                if (!v.isBoolean()) {
                    throw DynamoDbException.validation("BOOL must be true or false");
                }
            }
            case "NULL" -> {
                if (!v.isBoolean() || !v.booleanValue()) {
                    throw DynamoDbException.validation("One or more parameter values were invalid: Null attribute value types must have the value of true");
                }
            }
            case "SS", "NS", "BS" -> {
                if (!v.isArray() || v.isEmpty()) {
                    throw DynamoDbException.validation("One or more parameter values were invalid: An " + setName(type) + " may not be empty");
                }
                Set<Object> seen = new HashSet<>();
                for (JsonNode element : v) {
                    String text = requireText(element, type);
                    Object key = type.equals("NS") ? number(text).stripTrailingZeros() : type.equals("BS") ? Arrays.hashCode(bytes(text)) + ":" + text : text;
                    if (!seen.add(key)) {
                        throw DynamoDbException.validation("One or more parameter values were invalid: Input collection " + v + " contains duplicates.");
                    }
                }
            }
            case "M" -> {
                if (!v.isObject()) {
                    throw DynamoDbException.validation("M must be a map of attribute values");
                }
                v.forEach(AttributeValues::check);
            }
            case "L" -> {
                if (!v.isArray()) {
                    throw DynamoDbException.validation("L must be a list of attribute values");
                }
                v.forEach(AttributeValues::check);
            }
            default -> throw new IllegalStateException(type);
        }
    }

    private static String setName(String type) {
        return switch (type) {
            case "SS" -> "string set ";
            case "NS" -> "number set ";
            default -> "binary set ";
        };
    }

    private static String requireText(JsonNode v, String type) {
        if (v == null || !v.isTextual()) {
            throw DynamoDbException.validation("The parameter '" + type + "' must be a string");
        }
        return v.asText();
    }

    /** A number attribute's value, checked against DynamoDB's precision and range. */
    public static BigDecimal number(String text) {
        BigDecimal n;
        try {
            n = new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            throw DynamoDbException.validation("The parameter cannot be converted to a numeric value: " + text);
        }
        BigDecimal stripped = n.stripTrailingZeros();
        if (stripped.precision() > MAX_DIGITS) {
            throw DynamoDbException.validation("Attempting to store more than 38 significant digits in a Number");
        }
        if (n.signum() != 0) {
            int exponent = stripped.precision() - stripped.scale() - 1; // of the leading digit
            if (exponent >= 126) {
                throw DynamoDbException.validation("Number overflow. Attempting to store a number with magnitude larger than supported range");
            }
            if (exponent < -130) {
                throw DynamoDbException.validation("Number underflow. Attempting to store a number with magnitude smaller than supported range");
            }
        }
        return n;
    }

    private static byte[] bytes(String base64) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw DynamoDbException.serialization("Base64 encoded value expected: " + e.getMessage());
        }
    }

    public static ObjectNode string(String s) {
        return NODES.objectNode().put("S", s);
    }

    public static ObjectNode number(BigDecimal n) {
        return NODES.objectNode().put("N", n.stripTrailingZeros().toPlainString());
    }

    public static ObjectNode bool(boolean b) {
        return NODES.objectNode().put("BOOL", b);
    }

    /** Whether two values are equal as DynamoDB compares them: numbers by value, sets regardless of order. */
    public static boolean equal(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return false;
        }
        String type = type(a);
        if (!type.equals(type(b))) {
            return false;
        }
        JsonNode x = a.get(type);
        JsonNode y = b.get(type);
        return switch (type) {
            case "N" -> number(x.asText()).compareTo(number(y.asText())) == 0;
            case "B" -> Arrays.equals(bytes(x.asText()), bytes(y.asText()));
            case "SS", "NS", "BS" -> x.size() == y.size() && containsAll(type, x, y);
            case "M" -> {
                if (x.size() != y.size()) {
                    yield false;
                }
                Iterator<Map.Entry<String, JsonNode>> fields = x.fields();
                while (fields.hasNext()) {
                    Map.Entry<String, JsonNode> f = fields.next();
                    if (!equal(f.getValue(), y.get(f.getKey()))) {
                        yield false;
                    }
                }
                yield true;
            }
            case "L" -> {
                if (x.size() != y.size()) {
                    yield false;
                }
                for (int i = 0; i < x.size(); i++) {
                    if (!equal(x.get(i), y.get(i))) {
                        yield false;
                    }
                }
                yield true;
            }
            default -> x.equals(y);
        };
    }

    private static boolean containsAll(String setType, JsonNode set, JsonNode elements) {
        for (JsonNode e : elements) {
            if (!setContains(setType, set, e.asText())) {
                return false;
            }
        }
        return true;
    }

    static boolean setContains(String setType, JsonNode set, String element) {
        for (JsonNode e : set) {
            if (scalarEqual(setType.substring(0, 1), e.asText(), element)) {
                return true;
            }
        }
        return false;
    }

    private static boolean scalarEqual(String type, String a, String b) {
        return switch (type) {
            case "N" -> number(a).compareTo(number(b)) == 0;
            case "B" -> Arrays.equals(bytes(a), bytes(b));
            default -> a.equals(b);
        };
    }

    /** Orders two values of one scalar type (S, N or B) as DynamoDB orders them; null when they cannot be ordered. */
    public static Integer compare(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return null;
        }
        String type = type(a);
        if (!type.equals(type(b))) {
            return null;
        }
        String x = a.get(type).asText();
        String y = b.get(type).asText();
        return switch (type) {
            case "N" -> number(x).compareTo(number(y));
            case "S" -> Arrays.compareUnsigned(x.getBytes(StandardCharsets.UTF_8), y.getBytes(StandardCharsets.UTF_8));
            case "B" -> Arrays.compareUnsigned(bytes(x), bytes(y));
            default -> null;
        };
    }

    /** A key attribute's value as text that is the same for every spelling of the same value ("1.0" and "1"). */
    public static String keyText(JsonNode value) {
        String type = type(value);
        String v = value.get(type).asText();
        return type + ":" + (type.equals("N") ? number(v).stripTrailingZeros().toPlainString() : v);
    }

    /** Whether {@code value} begins with {@code prefix}: strings by characters, binaries by bytes. */
    static boolean beginsWith(JsonNode value, JsonNode prefix) {
        if (value == null || prefix == null || !type(value).equals(type(prefix))) {
            return false;
        }
        return switch (type(value)) {
            case "S" -> value.get("S").asText().startsWith(prefix.get("S").asText());
            case "B" -> {
                byte[] v = bytes(value.get("B").asText());
                byte[] p = bytes(prefix.get("B").asText());
                yield v.length >= p.length && Arrays.equals(v, 0, p.length, p, 0, p.length);
            }
            default -> false;
        };
    }

    /** contains(): a substring of a string, a member of a set, an element of a list. */
    static boolean contains(JsonNode value, JsonNode operand) {
        if (value == null || operand == null) {
            return false;
        }
        String type = type(value);
        String operandType = type(operand);
        return switch (type) {
            case "S" -> operandType.equals("S") && value.get("S").asText().contains(operand.get("S").asText());
            case "B" -> {
                if (!operandType.equals("B")) {
                    yield false;
                }
                byte[] v = bytes(value.get("B").asText());
                byte[] p = bytes(operand.get("B").asText());
                for (int i = 0; i + p.length <= v.length; i++) {
                    if (Arrays.equals(v, i, i + p.length, p, 0, p.length)) {
                        yield true;
                    }
                }
                yield false;
            }
            case "SS", "NS", "BS" -> operandType.equals(type.substring(0, 1)) && setContains(type, value.get(type), operand.get(operandType).asText());
            case "L" -> {
                for (JsonNode element : value.get("L")) {
                    if (equal(element, operand)) {
                        yield true;
                    }
                }
                yield false;
            }
            default -> false;
        };
    }

    /** size(): characters of a string, bytes of a binary, elements of a set, list or map. */
    static Integer size(JsonNode value) {
        if (value == null) {
            return null;
        }
        String type = type(value);
        JsonNode v = value.get(type);
        return switch (type) {
            case "S" -> v.asText().length();
            case "B" -> bytes(v.asText()).length;
            case "SS", "NS", "BS", "L", "M" -> v.size();
            default -> null;
        };
    }

    /** ADD: a number added to a number, or a set's elements added to a set of the same type; {@code current} may be absent. */
    static JsonNode add(String attribute, JsonNode current, JsonNode operand) {
        String type = type(operand);
        if (current == null) {
            if (!type.equals("N") && !type.endsWith("S")) {
                throw DynamoDbException.validation("One or more parameter values were invalid: ADD action is not supported for the type " + type);
            }
            return operand.deepCopy();
        }
        if (!type(current).equals(type)) {
            throw DynamoDbException.validation("An operand in the update expression has an incorrect data type");
        }
        if (type.equals("N")) {
            return number(number(current.get("N").asText()).add(number(operand.get("N").asText())));
        }
        if (type.endsWith("S") && type.length() == 2) {
            ArrayNode union = current.get(type).deepCopy();
            for (JsonNode e : operand.get(type)) {
                if (!setContains(type, union, e.asText())) {
                    union.add(e.asText());
                }
            }
            ObjectNode result = NODES.objectNode();
            result.set(type, union);
            return result;
        }
        throw DynamoDbException.validation("One or more parameter values were invalid: ADD action is not supported for the type " + type
                + " (attribute " + attribute + ")");
    }

    /** DELETE: a set less the elements of another set of its type; null when nothing is left. */
    static JsonNode deleteFromSet(JsonNode current, JsonNode operand) {
        String type = type(operand);
        if (!type.endsWith("S") || type.length() != 2 || type.equals("S")) {
            throw DynamoDbException.validation("An operand in the update expression has an incorrect data type");
        }
        if (current == null) {
            return null;
        }
        if (!type(current).equals(type)) {
            throw DynamoDbException.validation("An operand in the update expression has an incorrect data type");
        }
        ArrayNode left = NODES.arrayNode();
        for (JsonNode e : current.get(type)) {
            if (!setContains(type, operand.get(type), e.asText())) {
                left.add(e.asText());
            }
        }
        if (left.isEmpty()) {
            return null;
        }
        ObjectNode result = NODES.objectNode();
        result.set(type, left);
        return result;
    }

    /** An item's size as DynamoDB counts it: names and values in bytes, roughly. */
    public static long itemSize(JsonNode item) {
        long size = 0;
        Iterator<Map.Entry<String, JsonNode>> fields = item.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            size += f.getKey().getBytes(StandardCharsets.UTF_8).length + valueSize(f.getValue());
        }
        return size;
    }

    private static long valueSize(JsonNode value) {
        String type = type(value);
        JsonNode v = value.get(type);
        return switch (type) {
            case "S" -> v.asText().getBytes(StandardCharsets.UTF_8).length;
            case "N" -> 1 + (v.asText().length() + 1) / 2;
            case "B" -> bytes(v.asText()).length;
            case "BOOL", "NULL" -> 1;
            case "SS", "NS", "BS" -> {
                long s = 0;
                for (JsonNode e : v) {
                    s += e.asText().length();
                }
                yield s;
            }
            case "M" -> 3 + itemSize(v);
            case "L" -> {
                long s = 3;
                for (JsonNode e : v) {
                    s += 1 + valueSize(e);
                }
                yield s;
            }
            default -> 0;
        };
    }
}
