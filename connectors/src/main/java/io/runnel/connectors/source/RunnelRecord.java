package io.runnel.connectors.source;

import io.runnel.core.SequenceNumber;
import io.runnel.core.ShardId;

import java.nio.charset.StandardCharsets;

/**
 * A record of a Runnel stream as the source reads it, with what Kinesis tells about it. The partition key,
 * sequence number and shard id are worked out only when asked for: most jobs read only the data.
 */
public final class RunnelRecord {

    private final byte[] key;
    private final byte[] data;
    private final int shardIndex;
    private final long shardCreatedAt;
    private final long offset;
    private final long arrivalTime;
    private final long subSequenceNumber;

    public RunnelRecord(byte[] key, byte[] data, int shardIndex, long shardCreatedAt, long offset, long arrivalTime) {
        this(key, data, shardIndex, shardCreatedAt, offset, arrivalTime, 0);
    }

    /** @param subSequenceNumber its place among the user records of a KPL aggregated record; 0 for a record of its own */
    public RunnelRecord(byte[] key, byte[] data, int shardIndex, long shardCreatedAt, long offset, long arrivalTime,
                        long subSequenceNumber) {
        this.key = key;
        this.data = data;
        this.shardIndex = shardIndex;
        this.shardCreatedAt = shardCreatedAt;
        this.offset = offset;
        this.arrivalTime = arrivalTime;
        this.subSequenceNumber = subSequenceNumber;
    }

    public String partitionKey() {
        return key == null ? "" : new String(key, StandardCharsets.UTF_8);
    }

    public byte[] data() {
        return data == null ? new byte[0] : data;
    }

    public String sequenceNumber() {
        return SequenceNumber.ofRecord(shardCreatedAt, shardIndex, offset, arrivalTime);
    }

    public String shardId() {
        return ShardId.of(shardIndex);
    }

    /** The index of its shard: what {@link #shardId()} names, and its Kafka partition. */
    public int shardIndex() {
        return shardIndex;
    }

    /** Its offset in its shard's Kafka partition. */
    public long offset() {
        return offset;
    }

    /**
     * Its place among the user records of the KPL aggregated record it came in (which all share one sequence number),
     * as the KCL numbers them; 0 for a record put on its own.
     */
    public long subSequenceNumber() {
        return subSequenceNumber;
    }

    /** When the record arrived (epoch millis), as ApproximateArrivalTimestamp. */
    public long arrivalTime() {
        return arrivalTime;
    }
}
