package io.runnel.core.delivery;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrefixTest {

    private static final long ARRIVAL = Instant.parse("2026-03-04T05:06:07Z").toEpochMilli();

    @Test
    void expressionsAreEvaluatedAtTheRecordsArrivalTimeInUtc() {
        Prefix prefix = Prefix.parse("orders/tier=!{partitionKeyFromQuery:tier}/dt=!{timestamp:yyyy-MM-dd}/h=!{timestamp:HH}/"
                + "!{firehose:random-string}/", false);
        assertThat(prefix.partitionKeys()).containsExactly("tier");
        assertThat(prefix.evaluate(ARRIVAL, null, Map.of("tier", "gold"), "abc"))
                .isEqualTo("orders/tier=gold/dt=2026-03-04/h=05/abc/");
        assertThat(Prefix.parse(Prefix.DEFAULT, false).evaluate(ARRIVAL, null, Map.of(), "r")).isEqualTo("2026/03/04/05/");
        assertThat(Prefix.parse(Prefix.DEFAULT_ERROR, true).evaluate(ARRIVAL, "format-conversion-failed", Map.of(), "r"))
                .isEqualTo("format-conversion-failed/2026/03/04/05/");
    }

    @Test
    void aCustomTimeZoneMovesTheTimestampsOnly() {
        Prefix prefix = Prefix.parse("dt=!{timestamp:yyyy-MM-dd}/h=!{timestamp:HH}/", false).inZone(java.time.ZoneId.of("America/New_York"));
        assertThat(prefix.evaluate(ARRIVAL, null, Map.of(), "r")).isEqualTo("dt=2026-03-04/h=00/");
        assertThat(prefix.inZone(java.time.ZoneId.of("Pacific/Auckland")).evaluate(ARRIVAL, null, Map.of(), "r"))
                .isEqualTo("dt=2026-03-04/h=18/");
    }

    @Test
    void badExpressionsAreRefusedWithWhatIsWrong() {
        assertThatThrownBy(() -> Prefix.parse("x/!{partitionKeyFromLambda:id}/", false))
                .hasMessageContaining("Runnel runs no Lambda functions");
        assertThatThrownBy(() -> Prefix.parse("x/!{firehose:error-output-type}/", false))
                .hasMessageContaining("only in ErrorOutputPrefix");
        assertThatThrownBy(() -> Prefix.parse("err/!{partitionKeyFromQuery:tier}/", true))
                .hasMessageContaining("ErrorOutputPrefix cannot use !{partitionKeyFromQuery:tier}");
        assertThatThrownBy(() -> Prefix.parse("x/!{timestamp:yyyy-ppp}/", false))
                .hasMessageContaining("is not a valid timestamp format");
        assertThatThrownBy(() -> Prefix.parse("x/!{nowhere:y}/", false)).hasMessageContaining("unknown expression !{nowhere:y}");
        assertThatThrownBy(() -> Prefix.parse("x/!{timestamp:yyyy/", false)).hasMessageContaining("unfinished expression");
    }
}
