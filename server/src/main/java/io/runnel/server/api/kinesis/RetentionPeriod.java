package io.runnel.server.api.kinesis;

import io.runnel.server.http.ApiException;

/** The bounds Kinesis puts on a stream's retention period. */
final class RetentionPeriod {

    static final int MIN_HOURS = 24;
    static final int MAX_HOURS = 8760;

    private RetentionPeriod() {
    }

    static void check(int hours) {
        if (hours < MIN_HOURS) {
            throw ApiException.invalidArgument("Minimum allowed retention period is " + MIN_HOURS
                    + " hours. Requested retention period (" + hours + " hours) is too short.");
        }
        if (hours > MAX_HOURS) {
            throw ApiException.invalidArgument("Maximum allowed retention period is " + MAX_HOURS
                    + " hours. Requested retention period (" + hours + " hours) is too long.");
        }
    }
}
