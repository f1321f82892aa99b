package io.runnel.server.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A DynamoDB table as CreateTable and UpdateTable left it.
 *
 * @param attributes      AttributeDefinitions: name to type (S, N or B)
 * @param rangeKey        the sort key, or null
 * @param billingMode     PROVISIONED or PAY_PER_REQUEST
 * @param indexes         its global secondary indexes
 */
public record TableDefinition(String name, String id, long createdAt, Map<String, String> attributes, String hashKey,
                              String rangeKey, String billingMode, long readCapacity, long writeCapacity,
                              List<Index> indexes, boolean deletionProtection, boolean pointInTimeRecovery,
                              Map<String, String> tags) {

    /**
     * A global secondary index.
     *
     * @param projectionType   KEYS_ONLY, INCLUDE or ALL
     * @param nonKeyAttributes what INCLUDE adds to the keys
     */
    public record Index(String name, String hashKey, String rangeKey, String projectionType, List<String> nonKeyAttributes,
                        long readCapacity, long writeCapacity) {
    }

    public Index index(String indexName) {
        for (Index i : indexes) {
            if (i.name().equals(indexName)) {
                return i;
            }
        }
        return null;
    }

    /** The attributes of the table's own key. */
    public List<String> keyAttributes() {
        List<String> key = new ArrayList<>();
        key.add(hashKey);
        if (rangeKey != null) {
            key.add(rangeKey);
        }
        return key;
    }

    /** The key of an item: its key attributes alone. */
    public ObjectNode key(JsonNode item) {
        ObjectNode key = AttributeValues.NODES.objectNode();
        for (String k : keyAttributes()) {
            key.set(k, item.get(k));
        }
        return key;
    }

    public TableDefinition withIndexes(List<Index> newIndexes) {
        return new TableDefinition(name, id, createdAt, attributes, hashKey, rangeKey, billingMode, readCapacity, writeCapacity,
                newIndexes, deletionProtection, pointInTimeRecovery, tags);
    }

    public TableDefinition withAttributes(Map<String, String> newAttributes) {
        return new TableDefinition(name, id, createdAt, newAttributes, hashKey, rangeKey, billingMode, readCapacity, writeCapacity,
                indexes, deletionProtection, pointInTimeRecovery, tags);
    }

    public TableDefinition withBilling(String mode, long read, long write) {
        return new TableDefinition(name, id, createdAt, attributes, hashKey, rangeKey, mode, read, write,
                indexes, deletionProtection, pointInTimeRecovery, tags);
    }

    public TableDefinition withDeletionProtection(boolean enabled) {
        return new TableDefinition(name, id, createdAt, attributes, hashKey, rangeKey, billingMode, readCapacity, writeCapacity,
                indexes, enabled, pointInTimeRecovery, tags);
    }

    public TableDefinition withPointInTimeRecovery(boolean enabled) {
        return new TableDefinition(name, id, createdAt, attributes, hashKey, rangeKey, billingMode, readCapacity, writeCapacity,
                indexes, deletionProtection, enabled, tags);
    }

    public TableDefinition withTags(Map<String, String> newTags) {
        return new TableDefinition(name, id, createdAt, attributes, hashKey, rangeKey, billingMode, readCapacity, writeCapacity,
                indexes, deletionProtection, pointInTimeRecovery, newTags);
    }
}
