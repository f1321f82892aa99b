package io.runnel.server.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * Where an attribute sits in an item: a top-level name, then map keys and list indexes ({@code a.b[2].c}).
 *
 * @param steps each a String (a map key) or an Integer (a list index); the first is a name
 */
public record DocumentPath(List<Object> steps) {

    public static DocumentPath of(String attribute) {
        return new DocumentPath(List.of(attribute));
    }

    public String attribute() {
        return (String) steps.get(0);
    }

    /** The value at this path in an item, or null. */
    public JsonNode get(ObjectNode item) {
        JsonNode value = item.get(attribute());
        for (int i = 1; i < steps.size() && value != null; i++) {
            value = child(value, steps.get(i));
        }
        return value;
    }

    private static JsonNode child(JsonNode value, Object step) {
        if (step instanceof String key) {
            return value.has("M") ? value.get("M").get(key) : null;
        }
        int index = (Integer) step;
        return value.has("L") && index < value.get("L").size() ? value.get("L").get(index) : null;
    }

    /** Sets the value at this path; a nested path's parent must exist, as in DynamoDB. */
    public void set(ObjectNode item, JsonNode value) {
        if (steps.size() == 1) {
            item.set(attribute(), value);
            return;
        }
        JsonNode parent = new DocumentPath(steps.subList(0, steps.size() - 1)).get(item);
        Object last = steps.get(steps.size() - 1);
        if (last instanceof String key && parent != null && parent.has("M")) {
            ((ObjectNode) parent.get("M")).set(key, value);
        } else if (last instanceof Integer index && parent != null && parent.has("L")) {
            ArrayNode list = (ArrayNode) parent.get("L");
            if (index < list.size()) {
                list.set(index, value);
            } else {
                list.add(value); // DynamoDB appends an index past the end
            }
        } else {
            throw invalid();
        }
    }

    /** Removes the value at this path, if there is one. */
    public void remove(ObjectNode item) {
        if (steps.size() == 1) {
            item.remove(attribute());
            return;
        }
        JsonNode parent = new DocumentPath(steps.subList(0, steps.size() - 1)).get(item);
        Object last = steps.get(steps.size() - 1);
        if (last instanceof String key && parent != null && parent.has("M")) {
            ((ObjectNode) parent.get("M")).remove(key);
        } else if (last instanceof Integer index && parent != null && parent.has("L")) {
            ArrayNode list = (ArrayNode) parent.get("L");
            if (index < list.size()) {
                list.remove(index.intValue());
            }
        } else if (parent != null) {
            throw invalid();
        }
    }

    private static RuntimeException invalid() {
        return DynamoDbException.validation("The document path provided in the update expression is invalid for update");
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(attribute());
        for (int i = 1; i < steps.size(); i++) {
            s.append(steps.get(i) instanceof Integer n ? "[" + n + "]" : "." + steps.get(i));
        }
        return s.toString();
    }
}
