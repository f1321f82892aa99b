package io.runnel.server.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** What an UpdateExpression or legacy AttributeUpdates do to an item, in the order given. */
public record ItemUpdate(List<Action> actions) {

    public enum Kind { SET, REMOVE, ADD, DELETE }

    /** One action; {@code operand} is null for REMOVE, and for a legacy DELETE of the whole attribute. */
    public record Action(Kind kind, DocumentPath path, Operand operand) {
    }

    /** The top-level attributes the update touches. */
    public Set<String> attributes() {
        Set<String> names = new LinkedHashSet<>();
        actions.forEach(a -> names.add(a.path().attribute()));
        return names;
    }

    /**
     * Applies the update to {@code item} in place. Every operand is read from the item as it was before the update,
     * as DynamoDB reads them.
     */
    public void apply(ObjectNode item) {
        ObjectNode before = item.deepCopy();
        List<JsonNode> operands = new ArrayList<>();
        for (Action a : actions) {
            operands.add(a.operand() == null ? null : a.operand().value(before));
        }
        for (int i = 0; i < actions.size(); i++) {
            Action a = actions.get(i);
            JsonNode operand = operands.get(i);
            switch (a.kind()) {
                case SET -> {
                    if (operand == null) {
                        throw DynamoDbException.validation("The provided expression refers to an attribute that does not exist in the item");
                    }
                    a.path().set(item, operand.deepCopy());
                }
                case REMOVE -> a.path().remove(item);
                case ADD -> a.path().set(item, AttributeValues.add(a.path().toString(), a.path().get(before), operand));
                case DELETE -> {
                    JsonNode left = operand == null ? null : AttributeValues.deleteFromSet(a.path().get(before), operand);
                    if (left == null) {
                        a.path().remove(item);
                    } else {
                        a.path().set(item, left);
                    }
                }
                default -> throw new IllegalStateException(a.kind().toString());
            }
        }
    }
}
