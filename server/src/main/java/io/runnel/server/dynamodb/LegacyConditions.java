package io.runnel.server.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The parameters DynamoDB had before expressions, which KCL still sends: {@code Expected}, {@code KeyConditions},
 * {@code ScanFilter}/{@code QueryFilter} and {@code AttributeUpdates}, read into the same conditions and updates.
 */
public final class LegacyConditions {

    private LegacyConditions() {
    }

    /** Expected, joined by ConditionalOperator (AND unless OR); null when there is nothing to check. */
    public static Condition expected(JsonNode expected, String conditionalOperator) {
        List<Condition> conditions = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> fields = expected.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            conditions.add(expectation(f.getKey(), f.getValue()));
        }
        return join(conditions, conditionalOperator);
    }

    private static Condition expectation(String attribute, JsonNode e) {
        JsonNode value = e.get("Value");
        JsonNode exists = e.get("Exists");
        if (e.hasNonNull("ComparisonOperator")) {
            if (value != null && e.has("AttributeValueList")) {
                throw DynamoDbException.validation("One or more parameter values were invalid: Value and AttributeValueList cannot be used together for Attribute: " + attribute);
            }
            List<JsonNode> list = new ArrayList<>();
            if (value != null) {
                list.add(value);
            } else if (e.has("AttributeValueList")) {
                e.get("AttributeValueList").forEach(list::add);
            }
            return compare(attribute, e.get("ComparisonOperator").asText(), list);
        }
        if (exists != null && !exists.asBoolean()) {
            if (value != null) {
                throw DynamoDbException.validation("One or more parameter values were invalid: Value cannot be used when Exists is false for Attribute: " + attribute);
            }
            return new Condition.Exists(DocumentPath.of(attribute), false);
        }
        if (value == null) {
            throw DynamoDbException.validation("One or more parameter values were invalid: Value must be provided when Exists is "
                    + (exists == null ? "null" : "true") + " for Attribute: " + attribute);
        }
        AttributeValues.check(value);
        return new Condition.Compare(new Operand.Path(DocumentPath.of(attribute)), Condition.Comparator.EQ, new Operand.Value(value));
    }

    /** KeyConditions, ScanFilter or QueryFilter: attribute to ComparisonOperator and AttributeValueList. */
    public static Condition filter(JsonNode filter, String conditionalOperator) {
        List<Condition> conditions = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> fields = filter.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            List<JsonNode> list = new ArrayList<>();
            f.getValue().path("AttributeValueList").forEach(list::add);
            if (!f.getValue().hasNonNull("ComparisonOperator")) {
                throw DynamoDbException.validation("One or more parameter values were invalid: ComparisonOperator must not be null for Attribute: " + f.getKey());
            }
            conditions.add(compare(f.getKey(), f.getValue().get("ComparisonOperator").asText(), list));
        }
        return join(conditions, conditionalOperator);
    }

    private static Condition join(List<Condition> conditions, String conditionalOperator) {
        boolean or = "OR".equals(conditionalOperator);
        Condition joined = null;
        for (Condition c : conditions) {
            joined = joined == null ? c : or ? new Condition.Or(joined, c) : new Condition.And(joined, c);
        }
        return joined;
    }

    private static Condition compare(String attribute, String operator, List<JsonNode> values) {
        values.forEach(AttributeValues::check);
        Operand path = new Operand.Path(DocumentPath.of(attribute));
        DocumentPath documentPath = DocumentPath.of(attribute);
        int wanted = switch (operator) {
            case "NULL", "NOT_NULL" -> 0;
            case "BETWEEN" -> 2;
            case "IN" -> -1;
            case "EQ", "NE", "LE", "LT", "GE", "GT", "CONTAINS", "NOT_CONTAINS", "BEGINS_WITH" -> 1;
            default -> throw DynamoDbException.validation("1 validation error detected: Value '" + operator
                    + "' at 'comparisonOperator' failed to satisfy constraint: Member must satisfy enum value set: "
                    + "[IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]");
        };
        if (wanted >= 0 ? values.size() != wanted : values.isEmpty()) {
            throw DynamoDbException.validation("One or more parameter values were invalid: Invalid number of argument(s) for the "
                    + operator + " ComparisonOperator");
        }
        return switch (operator) {
            case "NULL" -> new Condition.Exists(documentPath, false);
            case "NOT_NULL" -> new Condition.Exists(documentPath, true);
            case "EQ" -> new Condition.Compare(path, Condition.Comparator.EQ, new Operand.Value(values.get(0)));
            case "NE" -> new Condition.Compare(path, Condition.Comparator.NE, new Operand.Value(values.get(0)));
            case "LE" -> new Condition.Compare(path, Condition.Comparator.LE, new Operand.Value(values.get(0)));
            case "LT" -> new Condition.Compare(path, Condition.Comparator.LT, new Operand.Value(values.get(0)));
            case "GE" -> new Condition.Compare(path, Condition.Comparator.GE, new Operand.Value(values.get(0)));
            case "GT" -> new Condition.Compare(path, Condition.Comparator.GT, new Operand.Value(values.get(0)));
            case "CONTAINS" -> new Condition.Contains(path, new Operand.Value(values.get(0)));
            case "NOT_CONTAINS" -> new Condition.And(new Condition.Exists(documentPath, true),
                    new Condition.Not(new Condition.Contains(path, new Operand.Value(values.get(0)))));
            case "BEGINS_WITH" -> new Condition.BeginsWith(path, new Operand.Value(values.get(0)));
            case "BETWEEN" -> new Condition.Between(path, new Operand.Value(values.get(0)), new Operand.Value(values.get(1)));
            case "IN" -> new Condition.In(path, values.stream().<Operand>map(Operand.Value::new).toList());
            default -> throw new IllegalStateException(operator);
        };
    }

    /** AttributeUpdates: attribute to Action (PUT unless ADD or DELETE) and Value. */
    public static ItemUpdate attributeUpdates(JsonNode updates) {
        List<ItemUpdate.Action> actions = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> fields = updates.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            JsonNode value = f.getValue().get("Value");
            if (value != null && !value.isNull()) {
                AttributeValues.check(value);
            } else {
                value = null;
            }
            String action = f.getValue().path("Action").asText("PUT");
            DocumentPath path = DocumentPath.of(f.getKey());
            switch (action) {
                case "PUT" -> {
                    if (value == null) {
                        throw DynamoDbException.validation("One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified");
                    }
                    actions.add(new ItemUpdate.Action(ItemUpdate.Kind.SET, path, new Operand.Value(value)));
                }
                case "ADD" -> {
                    if (value == null) {
                        throw DynamoDbException.validation("One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified");
                    }
                    actions.add(new ItemUpdate.Action(ItemUpdate.Kind.ADD, path, new Operand.Value(value)));
                }
                case "DELETE" -> actions.add(value == null ? new ItemUpdate.Action(ItemUpdate.Kind.REMOVE, path, null)
                        : new ItemUpdate.Action(ItemUpdate.Kind.DELETE, path, new Operand.Value(value)));
                default -> throw DynamoDbException.validation("1 validation error detected: Value '" + action
                        + "' at 'attributeUpdates." + f.getKey() + ".member.action' failed to satisfy constraint: Member must satisfy enum value set: [ADD, PUT, DELETE]");
            }
        }
        return new ItemUpdate(actions);
    }
}
