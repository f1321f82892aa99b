package io.runnel.connectors.sink;

import java.io.Serializable;
import java.util.function.Function;

/**
 * The explicit hash key of a record to write, as a decimal string, or null to hash its partition key; as with
 * PutRecords' ExplicitHashKey, it overrides the partition key's hash in choosing the shard.
 */
@FunctionalInterface
public interface ExplicitHashKeyGenerator<T> extends Function<T, String>, Serializable {
}
