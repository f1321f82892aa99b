package io.runnel.connectors.source;

/** A record of a Runnel stream as the source reads it, with what Kinesis tells about it. */
public record RunnelRecord(String partitionKey, byte[] data, String sequenceNumber, String shardId, long arrivalTime) {
}
