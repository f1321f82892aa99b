package io.runnel.server.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A value an expression computes from an item: an attribute, a given value, or a function of them. */
public sealed interface Operand {

    /** The value for this item, or null when there is none (an absent attribute). */
    JsonNode value(ObjectNode item);

    record Path(DocumentPath path) implements Operand {
        @Override
        public JsonNode value(ObjectNode item) {
            return path.get(item);
        }
    }

    record Value(JsonNode value) implements Operand {
        @Override
        public JsonNode value(ObjectNode item) {
            return value;
        }
    }

    /** size(path), usable in conditions. */
    record Size(DocumentPath path) implements Operand {
        @Override
        public JsonNode value(ObjectNode item) {
            Integer size = AttributeValues.size(path.get(item));
            return size == null ? null : AttributeValues.number(java.math.BigDecimal.valueOf(size));
        }
    }

    /** if_not_exists(path, value), usable in SET. */
    record IfNotExists(DocumentPath path, Operand otherwise) implements Operand {
        @Override
        public JsonNode value(ObjectNode item) {
            JsonNode current = path.get(item);
            return current != null ? current : otherwise.value(item);
        }
    }

    /** list_append(a, b), usable in SET. */
    record ListAppend(Operand first, Operand second) implements Operand {
        @Override
        public JsonNode value(ObjectNode item) {
            JsonNode a = first.value(item);
            JsonNode b = second.value(item);
            if (a == null || b == null || !a.has("L") || !b.has("L")) {
                throw DynamoDbException.validation("An operand in the update expression has an incorrect data type");
            }
            ArrayNode joined = a.get("L").deepCopy();
            joined.addAll((ArrayNode) b.get("L"));
            ObjectNode result = AttributeValues.NODES.objectNode();
            result.set("L", joined);
            return result;
        }
    }

    /** a + b or a - b on numbers, usable in SET. */
    record Arithmetic(Operand left, boolean plus, Operand right) implements Operand {
        @Override
        public JsonNode value(ObjectNode item) {
            JsonNode a = left.value(item);
            JsonNode b = right.value(item);
            if (a == null || b == null) {
                throw DynamoDbException.validation("The provided expression refers to an attribute that does not exist in the item");
            }
            if (!a.has("N") || !b.has("N")) {
                throw DynamoDbException.validation("An operand in the update expression has an incorrect data type");
            }
            java.math.BigDecimal x = AttributeValues.number(a.get("N").asText());
            java.math.BigDecimal y = AttributeValues.number(b.get("N").asText());
            return AttributeValues.number(plus ? x.add(y) : x.subtract(y));
        }
    }
}
