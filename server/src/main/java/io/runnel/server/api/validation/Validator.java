package io.runnel.server.api.validation;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.Request;
import io.runnel.server.http.ApiException;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;

/**
 * Checks a request body against its shape the way the AWS front end does: first the JSON/CBOR types
 * (SerializationException), then up to ten constraint violations reported together (ValidationException,
 * "1 validation error detected: Value '…' at 'streamName' failed to satisfy constraint: …").
 */
public final class Validator {

    private static final int MAX_REPORTED = 10;

    private Validator() {
    }

    public static void validate(JsonNode body, List<Member> shape) {
        checkTypes(body, shape);
        List<String> errors = new ArrayList<>();
        checkMembers(body, shape, null, errors);
        if (!errors.isEmpty()) {
            throw ApiException.validation(errors.size() + " validation error" + (errors.size() > 1 ? "s" : "")
                    + " detected: " + String.join("; ", errors));
        }
    }

    private static void checkTypes(JsonNode node, List<Member> shape) {
        for (Member m : shape) {
            JsonNode value = node.get(m.name);
            if (value != null && !value.isNull()) {
                checkType(value, m);
            }
        }
    }

    private static void checkType(JsonNode v, Member m) {
        switch (m.type) {
            case STRING -> {
                if (!v.isTextual()) {
                    throw ApiException.serialization(notConvertible(v, "an String"));
                }
            }
            case INTEGER -> {
                if (!v.isNumber()) {
                    throw ApiException.serialization(notConvertible(v, "an Integer"));
                }
            }
            case BOOLEAN -> {
                if (v.isTextual()) {
                    throw ApiException.serialization("'" + v.asText().toUpperCase() + "' can not be converted to an Boolean");
                }
                if (!v.isBoolean()) {
                    throw ApiException.serialization(notConvertible(v, "an Boolean"));
                }
            }
            case BLOB -> {
                if (v.isBinary()) {
                    return;
                }
                if (!v.isTextual()) {
                    throw ApiException.serialization(notConvertible(v, "a Blob"));
                }
                checkBase64(v.asText());
            }
            case TIMESTAMP -> {
                if (!v.isNumber() && !v.isTextual()) {
                    throw ApiException.serialization(notConvertible(v, "a Timestamp"));
                }
            }
            case LIST -> {
                if (v.isObject()) {
                    throw ApiException.serialization("Start of structure or map found where not expected.");
                }
                if (!v.isArray()) {
                    throw ApiException.serialization("Expected list or null");
                }
                for (JsonNode element : v) {
                    if (!element.isNull()) {
                        checkType(element, m.element);
                    }
                }
            }
            case MAP -> {
                if (v.isArray()) {
                    throw ApiException.serialization("Start of list found where not expected");
                }
                if (!v.isObject()) {
                    throw ApiException.serialization("Expected map or null");
                }
                for (JsonNode value : v) {
                    if (m.element != null) {
                        if (!value.isNull()) {
                            checkType(value, m.element);
                        }
                    } else if (!value.isNull() && !value.isTextual()) {
                        throw ApiException.serialization(notConvertible(value, "an String"));
                    }
                }
            }
            case STRUCTURE -> {
                if (v.isArray()) {
                    throw ApiException.serialization("Start of list found where not expected");
                }
                if (!v.isObject()) {
                    throw ApiException.serialization("Expected null");
                }
                checkTypes(v, m.members);
            }
            default -> throw new IllegalStateException(m.type.toString());
        }
    }

    private static String notConvertible(JsonNode v, String target) {
        if (v.isArray()) {
            return "Start of list found where not expected";
        }
        if (v.isObject()) {
            return "Start of structure or map found where not expected.";
        }
        String from = v.isBoolean() ? "java.lang.Boolean" : v.isNumber() ? "com.amazon.coral.value.json.numbers.TruncatingBigNumber"
                : "java.lang.String";
        return "class " + from + " can not be converted to " + target;
    }

    private static void checkBase64(String text) {
        if (text.length() % 4 != 0) {
            throw ApiException.serialization("'" + text + "' can not be converted to a Blob: "
                    + "Base64 encoded length is expected a multiple of 4 bytes but found: " + text.length());
        }
        try {
            Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.serialization("'" + text + "' can not be converted to a Blob: " + e.getMessage());
        }
    }

    /** Where a member sits in the request, as AWS names it ("records.1.member.data"); built only for errors. */
    private record Path(Path parent, String member, int index) {
        @Override
        public String toString() {
            String own = index > 0 ? "." + index + ".member" : lowerFirst(member);
            return parent == null ? own : index > 0 ? parent + own : parent + "." + own;
        }
    }

    private static void checkMembers(JsonNode node, List<Member> shape, Path parent, List<String> errors) {
        for (Member m : shape) {
            JsonNode v = node == null ? null : node.get(m.name);
            check(v == null || v.isNull() ? null : v, m, new Path(parent, m.name, 0), errors);
        }
    }

    private static void check(JsonNode v, Member m, Path path, List<String> errors) {
        if (v == null) {
            if (m.required) {
                add(errors, "null", path, "Member must not be null");
            }
            return;
        }
        long number = m.type == Member.Type.INTEGER ? Request.saturatedInt(v) : 0;
        if (m.min != null && number < m.min) {
            add(errors, show(v, m), path, "Member must have value greater than or equal to " + m.min);
        }
        if (m.max != null && number > m.max) {
            add(errors, show(v, m), path, "Member must have value less than or equal to " + m.max);
        }
        long length = length(v, m);
        if (m.minLength != null && length < m.minLength) {
            add(errors, show(v, m), path, "Member must have length greater than or equal to " + m.minLength);
        }
        if (m.maxLength != null && length > m.maxLength) {
            add(errors, show(v, m), path, "Member must have length less than or equal to " + m.maxLength);
        }
        if (m.pattern != null && !m.pattern.matcher(v.asText()).matches()) {
            add(errors, show(v, m), path, "Member must satisfy regular expression pattern: " + m.patternText);
        }
        if (m.enumValues != null && !m.enumValues.contains(v.asText())) {
            add(errors, show(v, m), path, "Member must satisfy enum value set: [" + String.join(", ", m.enumValues) + "]");
        }
        if (m.keyLength != null && !allWithin(v.fieldNames(), m.keyLength)) {
            add(errors, show(v, m), path, "Map keys must satisfy constraint: " + lengthConstraint(m.keyLength));
        }
        if (m.valueLength != null && !allValuesWithin(v, m.valueLength)) {
            add(errors, show(v, m), path, "Map value must satisfy constraint: " + lengthConstraint(m.valueLength));
        }
        if (m.type == Member.Type.LIST) {
            for (int i = 0; i < v.size(); i++) {
                JsonNode element = v.get(i);
                check(element == null || element.isNull() ? null : element, m.element, new Path(path, null, i + 1), errors);
            }
        } else if (m.type == Member.Type.STRUCTURE) {
            checkMembers(v, m.members, path, errors);
        }
    }

    private static void add(List<String> errors, String value, Path path, String constraint) {
        if (errors.size() < MAX_REPORTED) {
            errors.add("Value " + value + " at '" + path + "' failed to satisfy constraint: " + constraint);
        }
    }

    private static long length(JsonNode v, Member m) {
        return switch (m.type) {
            case BLOB -> blobLength(v);
            case LIST, MAP -> v.size();
            case STRING -> v.asText().codePointCount(0, v.asText().length());
            default -> 0;
        };
    }

    static int blobLength(JsonNode v) {
        if (v.isBinary()) {
            try {
                return v.binaryValue().length;
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        String text = v.asText();
        int padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
        return text.length() / 4 * 3 - padding;
    }

    private static String show(JsonNode v, Member m) {
        String text = switch (m.type) {
            case BLOB -> {
                int n = blobLength(v);
                yield "java.nio.HeapByteBuffer[pos=0 lim=" + n + " cap=" + n + "]";
            }
            case LIST -> {
                List<String> items = new ArrayList<>();
                v.forEach(e -> items.add(e.isTextual() ? e.asText() : e.toString()));
                yield "[" + String.join(", ", items) + "]";
            }
            case MAP -> {
                List<String> items = new ArrayList<>();
                v.fields().forEachRemaining(e -> items.add(e.getKey() + "=" + e.getValue().asText()));
                yield "{" + String.join(", ", items) + "}";
            }
            case INTEGER -> Integer.toString(Request.saturatedInt(v));
            default -> v.isTextual() ? v.asText() : v.toString();
        };
        return "'" + text + "'";
    }

    private static boolean allWithin(Iterator<String> keys, int[] bounds) {
        while (keys.hasNext()) {
            int n = keys.next().length();
            if (n < bounds[0] || n > bounds[1]) {
                return false;
            }
        }
        return true;
    }

    private static boolean allValuesWithin(JsonNode map, int[] bounds) {
        for (JsonNode value : map) {
            int n = value.asText().length();
            if (n < bounds[0] || n > bounds[1]) {
                return false;
            }
        }
        return true;
    }

    private static String lengthConstraint(int[] bounds) {
        return "[Member must have length less than or equal to " + bounds[1]
                + ", Member must have length greater than or equal to " + bounds[0] + "]";
    }

    public static String lowerFirst(String s) {
        return Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

}
