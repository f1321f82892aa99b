package io.runnel.server.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/** A condition on an item, from a ConditionExpression, a FilterExpression, a key condition or the legacy parameters. */
public sealed interface Condition {

    boolean test(ObjectNode item);

    record And(Condition left, Condition right) implements Condition {
        @Override
        public boolean test(ObjectNode item) {
            return left.test(item) && right.test(item);
        }
    }

    record Or(Condition left, Condition right) implements Condition {
        @Override
        public boolean test(ObjectNode item) {
            return left.test(item) || right.test(item);
        }
    }

    record Not(Condition condition) implements Condition {
        @Override
        public boolean test(ObjectNode item) {
            return !condition.test(item);
        }
    }

    record Exists(DocumentPath path, boolean exists) implements Condition {
        @Override
        public boolean test(ObjectNode item) {
            return (path.get(item) != null) == exists;
        }
    }

    record HasType(DocumentPath path, Operand type) implements Condition {
        @Override
        public boolean test(ObjectNode item) {
            JsonNode value = path.get(item);
            JsonNode wanted = type.value(item);
            return value != null && wanted != null && wanted.has("S") && AttributeValues.type(value).equals(wanted.get("S").asText());
        }
    }

    record BeginsWith(Operand value, Operand prefix) implements Condition {
        @Override
        public boolean test(ObjectNode item) {
            return AttributeValues.beginsWith(value.value(item), prefix.value(item));
        }
    }

    record Contains(Operand value, Operand operand) implements Condition {
        @Override
        public boolean test(ObjectNode item) {
            return AttributeValues.contains(value.value(item), operand.value(item));
        }
    }

    enum Comparator { EQ, NE, LT, LE, GT, GE }

    record Compare(Operand left, Comparator comparator, Operand right) implements Condition {
        @Override
        public boolean test(ObjectNode item) {
            JsonNode a = left.value(item);
            JsonNode b = right.value(item);
            if (a == null || b == null) {
                return comparator == Comparator.NE && (a != null || b != null);
            }
            if (comparator == Comparator.EQ) {
                return AttributeValues.equal(a, b);
            }
            if (comparator == Comparator.NE) {
                return !AttributeValues.equal(a, b);
            }
            Integer order = AttributeValues.compare(a, b);
            if (order == null) {
                return false;
            }
            return switch (comparator) {
                case LT -> order < 0;
                case LE -> order <= 0;
                case GT -> order > 0;
                case GE -> order >= 0;
                default -> throw new IllegalStateException(comparator.toString());
            };
        }
    }

    record Between(Operand value, Operand low, Operand high) implements Condition {
        @Override
        public boolean test(ObjectNode item) {
            JsonNode v = value.value(item);
            Integer above = AttributeValues.compare(v, low.value(item));
            Integer below = AttributeValues.compare(v, high.value(item));
            return above != null && below != null && above >= 0 && below <= 0;
        }
    }

    record In(Operand value, List<Operand> candidates) implements Condition {
        @Override
        public boolean test(ObjectNode item) {
            JsonNode v = value.value(item);
            for (Operand c : candidates) {
                if (AttributeValues.equal(v, c.value(item))) {
                    return true;
                }
            }
            return false;
        }
    }
}
