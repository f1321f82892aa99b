package io.runnel.connectors.sink;

import io.runnel.core.HashKey;
import io.runnel.core.HashKeyRange;
import io.runnel.core.Shard;
import io.runnel.core.ShardId;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns an element into the Kafka record PutRecords would have written for it: the partition key as the
 * key, the data as the value, in the partition of the shard its hash key falls in. Elements PutRecords
 * would refuse are refused here too, with the same limits.
 */
final class RoutingRecordSerializer<T> implements KafkaRecordSerializationSchema<T> {

    private static final int MAX_PARTITION_KEY_CHARS = 256;
    private static final int MAX_DATA_BYTES = 1024 * 1024;
    private static final Pattern EXPLICIT_HASH_KEY = Pattern.compile("0|([1-9]\\d{0,38})");
    private static final VarHandle BIG_ENDIAN_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final SerializationSchema<T> data;
    private final PartitionKeyGenerator<T> partitionKey;
    private final ExplicitHashKeyGenerator<T> explicitHashKey;
    private final transient ShardRouter router;
    private transient MetricGroup metricGroup;
    private transient List<Counter[]> shardCounters;

    RoutingRecordSerializer(SerializationSchema<T> data, PartitionKeyGenerator<T> partitionKey,
                            ExplicitHashKeyGenerator<T> explicitHashKey, ShardRouter router) {
        this.data = data;
        this.partitionKey = partitionKey;
        this.explicitHashKey = explicitHashKey;
        this.router = router;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) throws Exception {
        data.open(context);
        metricGroup = context.getMetricGroup();
        shardCounters = new ArrayList<>();
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        String key = partitionKey.apply(element);
        if (key == null || key.isEmpty() || key.length() > MAX_PARTITION_KEY_CHARS) {
            throw new IllegalArgumentException("PartitionKey must be 1 to 256 characters long, but the partition key of "
                    + element + " is " + (key == null ? "null" : key.length() + " characters long"));
        }
        byte[] value = data.serialize(element);
        if (value == null || value.length > MAX_DATA_BYTES) {
            throw new IllegalArgumentException("Data must be at most 1 MiB, but the record with partition key '" + key
                    + "' serializes to " + (value == null ? "nothing" : value.length + " bytes"));
        }
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        Shard shard = shardFor(element, key, keyBytes);
        Counter[] counters = countersOf(shard.index());
        counters[0].inc();
        counters[1].inc(value.length);
        return new ProducerRecord<>(router.topic(), shard.index(), null, keyBytes, value);
    }

    private Shard shardFor(T element, String key, byte[] keyBytes) {
        String explicit = explicitHashKey == null ? null : explicitHashKey.apply(element);
        if (explicit == null) {
            byte[] md5 = HashKey.digest(keyBytes);
            return router.shardFor((long) BIG_ENDIAN_LONG.get(md5, 0), (long) BIG_ENDIAN_LONG.get(md5, 8));
        }
        if (!EXPLICIT_HASH_KEY.matcher(explicit).matches() || new BigInteger(explicit).compareTo(HashKeyRange.MAX_HASH_KEY) > 0) {
            throw new IllegalArgumentException("ExplicitHashKey must be a decimal integer from 0 to 2^128 - 1, but the "
                    + "record with partition key '" + key + "' has '" + explicit + "'");
        }
        return router.shardFor(HashKey.parseExplicit(explicit));
    }

    /** recordsOut and bytesOut of one shard, in the group {@code shardId.<id>}. */
    private Counter[] countersOf(int shardIndex) {
        while (shardCounters.size() <= shardIndex) {
            shardCounters.add(null);
        }
        Counter[] counters = shardCounters.get(shardIndex);
        if (counters == null) {
            MetricGroup shard = metricGroup.addGroup("shardId", ShardId.of(shardIndex));
            counters = new Counter[] {shard.counter("recordsOut"), shard.counter("bytesOut")};
            shardCounters.set(shardIndex, counters);
        }
        return counters;
    }
}
