package io.runnel.connectors.sink;

import java.io.Serializable;
import java.util.function.Function;

/** The partition key of a record to write; as with PutRecords, it picks the record's shard and orders it. */
@FunctionalInterface
public interface PartitionKeyGenerator<T> extends Function<T, String>, Serializable {
}
