package io.runnel.connectors.source;

import java.io.Serializable;

/**
 * Where a new job starts reading the shards that exist when it starts; shards created later are always
 * read from their beginning. A job restored from a checkpoint or savepoint resumes where it was instead.
 */
public record StartingPosition(Type type, long timestamp) implements Serializable {

    public enum Type { TRIM_HORIZON, LATEST, AT_TIMESTAMP }

    public static StartingPosition trimHorizon() {
        return new StartingPosition(Type.TRIM_HORIZON, 0);
    }

    public static StartingPosition latest() {
        return new StartingPosition(Type.LATEST, 0);
    }

    /** The first record that arrived at or after the time (epoch millis). */
    public static StartingPosition atTimestamp(long epochMillis) {
        return new StartingPosition(Type.AT_TIMESTAMP, epochMillis);
    }
}
