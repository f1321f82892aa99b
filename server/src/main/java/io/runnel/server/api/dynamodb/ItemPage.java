package io.runnel.server.api.dynamodb;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.dynamodb.AttributeValues;
import io.runnel.server.dynamodb.Condition;
import io.runnel.server.dynamodb.DocumentPath;
import io.runnel.server.dynamodb.TableDefinition;

import java.util.List;

/**
 * One page of a Scan or a Query: items read in order from a start, at most {@code Limit} of them or 1 MB, filtered,
 * projected, and the key a next page starts after.
 */
final class ItemPage {

    private static final long MAX_PAGE_BYTES = 1024 * 1024;

    private ItemPage() {
    }

    /**
     * @param ordered    the candidates in order, after the request's ExclusiveStartKey
     * @param index      the index read, or null for the table
     * @param projection the paths to return, or null for what the table or index holds
     * @param count      whether the request asked only for a count
     */
    static ObjectNode of(List<ObjectNode> ordered, Integer limit, Condition filter, TableDefinition table,
                         TableDefinition.Index index, List<DocumentPath> projection, boolean count) {
        ObjectNode response = DynamoDb.object();
        ArrayNode items = DynamoDb.NODES.arrayNode();
        int scanned = 0;
        long bytes = 0;
        ObjectNode last = null;
        for (ObjectNode item : ordered) {
            if ((limit != null && scanned == limit) || bytes >= MAX_PAGE_BYTES) {
                response.set("LastEvaluatedKey", lastKey(last, table, index));
                break;
            }
            scanned++;
            bytes += AttributeValues.itemSize(item);
            last = item;
            if (filter == null || filter.test(item)) {
                items.add(DynamoDb.project(inIndex(item, table, index), projection));
            }
        }
        if (!count) {
            response.set("Items", items);
        }
        response.put("Count", items.size());
        response.put("ScannedCount", scanned);
        return response;
    }

    /** What an index holds of an item: the keys, and what its projection adds. */
    static ObjectNode inIndex(ObjectNode item, TableDefinition table, TableDefinition.Index index) {
        if (index == null || index.projectionType().equals("ALL")) {
            return item;
        }
        ObjectNode held = table.key(item);
        held.set(index.hashKey(), item.get(index.hashKey()));
        if (index.rangeKey() != null) {
            held.set(index.rangeKey(), item.get(index.rangeKey()));
        }
        for (String a : index.nonKeyAttributes()) {
            if (item.has(a)) {
                held.set(a, item.get(a));
            }
        }
        return held;
    }

    /** The table's key of the last item read, with the index's key when an index was read. */
    static ObjectNode lastKey(ObjectNode item, TableDefinition table, TableDefinition.Index index) {
        ObjectNode key = table.key(item);
        if (index != null) {
            key.set(index.hashKey(), item.get(index.hashKey()));
            if (index.rangeKey() != null) {
                key.set(index.rangeKey(), item.get(index.rangeKey()));
            }
        }
        return key;
    }

    /** Whether an item is in an index: it has the index's key attributes. */
    static boolean indexed(ObjectNode item, TableDefinition.Index index) {
        return item.has(index.hashKey()) && (index.rangeKey() == null || item.has(index.rangeKey()));
    }
}
