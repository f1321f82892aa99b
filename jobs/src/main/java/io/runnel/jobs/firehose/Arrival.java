package io.runnel.jobs.firehose;

/**
 * A record as it arrived at the delivery stream's source.
 *
 * @param shard  the shard index of a stream's record, the partition of a topic's
 * @param offset its offset there
 * @param sequenceNumber a stream record's sequence number; null for a topic's
 */
public record Arrival(byte[] data, long arrivalTime, int shard, long offset, String sequenceNumber) {
}
