package io.runnel.core;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;

import static org.assertj.core.api.Assertions.assertThat;

class SequenceNumberTest {

    @Test
    void decodesBackToShardAndOffset() {
        String s = SequenceNumber.of(12, 9_876_543_210L);
        assertThat(s).matches("0|([1-9]\\d{0,128})");
        assertThat(SequenceNumber.decode(s)).isEqualTo(new SequenceNumber.Position(12, 9_876_543_210L));
    }

    @Test
    void increasesStrictlyWithTheOffsetWithinAShard() {
        BigInteger previous = BigInteger.valueOf(-1);
        for (long offset : new long[] {0, 1, 9, 10, 99, 100, 123_456_789, Long.MAX_VALUE}) {
            BigInteger n = new BigInteger(SequenceNumber.of(3, offset));
            assertThat(n).isGreaterThan(previous);
            previous = n;
        }
    }

    @Test
    void refusesWhatRunnelDidNotIssue() {
        assertThat(SequenceNumber.decode("1")).isNull();
        assertThat(SequenceNumber.decode("49590338271490256608559692538361571095921575989136588898")).isNull();
        assertThat(SequenceNumber.decode("5" + "0".repeat(25))).isNull();
        assertThat(SequenceNumber.decode("4" + "9".repeat(25))).isNull();
    }
}
