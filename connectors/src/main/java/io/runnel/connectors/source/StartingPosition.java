package io.runnel.connectors.source;

import java.io.Serializable;
import java.util.Map;

/**
 * Where a new job starts reading the shards that exist when it starts; shards created later are always
 * read from their beginning. A job restored from a checkpoint or savepoint resumes where it was instead.
 *
 * @param sequenceNumbers with AT/AFTER_SEQUENCE_NUMBER: a sequence number per shard id; shards not named
 *                        start at their trim horizon
 */
public record StartingPosition(Type type, long timestamp, Map<String, String> sequenceNumbers) implements Serializable {

    public enum Type { TRIM_HORIZON, LATEST, AT_TIMESTAMP, AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER }

    public StartingPosition {
        sequenceNumbers = Map.copyOf(sequenceNumbers);
    }

    public static StartingPosition trimHorizon() {
        return new StartingPosition(Type.TRIM_HORIZON, 0, Map.of());
    }

    public static StartingPosition latest() {
        return new StartingPosition(Type.LATEST, 0, Map.of());
    }

    /** The first record that arrived at or after the time (epoch millis). */
    public static StartingPosition atTimestamp(long epochMillis) {
        return new StartingPosition(Type.AT_TIMESTAMP, epochMillis, Map.of());
    }

    /** Each named shard from the record with that sequence number, as GetShardIterator AT_SEQUENCE_NUMBER. */
    public static StartingPosition atSequenceNumbers(Map<String, String> byShardId) {
        return new StartingPosition(Type.AT_SEQUENCE_NUMBER, 0, byShardId);
    }

    /** Each named shard from the record after the one with that sequence number. */
    public static StartingPosition afterSequenceNumbers(Map<String, String> byShardId) {
        return new StartingPosition(Type.AFTER_SEQUENCE_NUMBER, 0, byShardId);
    }
}
