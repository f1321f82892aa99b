package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.core.StreamMetadata;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.http.ApiException;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A stream's retention period: its bounds, and the change that Increase- and DecreaseStreamRetentionPeriod make. */
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

    static List<Member> input() {
        return List.of(Members.streamName(), Member.integer("RetentionPeriodHours").required(), Members.streamArn());
    }

    /** Sets the retention of the named stream; {@code increase} says which way it may move. */
    static CompletableFuture<JsonNode> change(Request request, Kinesis kinesis, boolean increase) {
        String name = kinesis.streamName(request);
        int hours = request.integer("RetentionPeriodHours");
        check(hours);
        return kinesis.streams.change(() -> {
            StreamMetadata stream = kinesis.requireActive(name);
            if (increase ? hours < stream.retentionHours() : hours > stream.retentionHours()) {
                throw ApiException.invalidArgument("Requested retention period (" + hours + " hours) for stream " + name
                        + " can not be " + (increase ? "shorter" : "longer") + " than existing retention period ("
                        + stream.retentionHours() + " hours). Use " + (increase ? "Decrease" : "Increase") + "RetentionPeriod API.");
            }
            kinesis.streams.setRetention(stream, hours);
            kinesis.streams.save(stream.withRetentionHours(hours));
            return Kinesis.noBody();
        });
    }
}
