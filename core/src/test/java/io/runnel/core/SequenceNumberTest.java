package io.runnel.core;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SequenceNumberTest {

    private static final long CREATED = 1_764_600_000_000L;

    @Test
    void looksLikeKinesissAndDecodesBackToShardAndOffset() {
        String s = SequenceNumber.ofRecord(CREATED, 12, 9_876_543_210L, CREATED + 5_000);
        assertThat(s).hasSize(56).matches("0|([1-9]\\d{0,128})");
        SequenceNumber.Position p = SequenceNumber.decode(s);
        assertThat(p.shardIndex()).isEqualTo(12);
        assertThat(p.atOffset()).isEqualTo(9_876_543_210L);
        assertThat(p.afterOffset()).isEqualTo(9_876_543_211L);
    }

    @Test
    void spellsTheLayoutInDecimalAsBigIntegerWould() {
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 1000; i++) {
            long created = random.nextLong(0, 0xF_FFFF_FFFFL) * 1000;
            int shard = random.nextInt(0, Integer.MAX_VALUE);
            long counter = random.nextLong(0, Long.MAX_VALUE);
            long time = random.nextLong(0, 0xF_FFFF_FFFFL) * 1000;
            String hex = "2" + hex(created / 1000, 9) + Integer.toHexString(shard & 0xF) + hex(counter, 16) + "00"
                    + hex(time / 1000, 9) + hex(shard, 8) + "2";
            assertThat(SequenceNumber.of(created, shard, counter, time)).isEqualTo(new BigInteger(hex, 16).toString());
        }
    }

    @Test
    void spellsAny192BitNumberInDecimal() {
        java.util.Random random = new java.util.Random(7);
        List<long[]> numbers = new java.util.ArrayList<>(List.of(new long[3], new long[]{0, 0, 9}, new long[]{0, 0, -1},
                new long[]{0, 1, 0}, new long[]{-1, -1, -1}, new long[]{1L << 63, 0, 0}));
        for (int i = 0; i < 1000; i++) {
            numbers.add(new long[]{random.nextLong() >>> random.nextInt(64), random.nextLong(), random.nextLong()});
        }
        for (long[] bits : numbers) {
            BigInteger expected = BigInteger.ZERO;
            for (long limb : bits) {
                expected = expected.shiftLeft(64).add(new BigInteger(Long.toUnsignedString(limb)));
            }
            assertThat(SequenceNumber.decimal(bits)).isEqualTo(expected.toString());
        }
    }

    private static String hex(long value, int digits) {
        String h = Long.toHexString(value);
        return "0".repeat(digits - h.length()) + h;
    }

    @Test
    void aShardsStartingSequenceNumberComesBeforeItsFirstRecord() {
        SequenceNumber.Position start = SequenceNumber.decode(SequenceNumber.of(CREATED, 3, 0, CREATED));
        assertThat(start.atOffset()).isZero();
        assertThat(start.afterOffset()).isZero();
    }

    @Test
    void increasesStrictlyWithTheOffsetWithinAShardWhateverTheArrivalTime() {
        BigInteger previous = new BigInteger(SequenceNumber.of(CREATED, 3, 0, CREATED));
        long arrival = CREATED + 10_000_000;
        for (long offset : new long[] {0, 1, 9, 10, 99, 100, 123_456_789, Long.MAX_VALUE - 1}) {
            BigInteger n = new BigInteger(SequenceNumber.ofRecord(CREATED, 3, offset, arrival));
            assertThat(n).isGreaterThan(previous);
            previous = n;
            arrival -= 1_000_000;
        }
    }

    @Test
    void theNextRecordInTheSameSecondIsNumberedAsIfSpelledAnew() {
        long arrival = CREATED + 5_000;
        for (long offset : new long[] {0, 1, 8, 9, 99, 999_999, 123_456_789, Long.MAX_VALUE - 2}) {
            for (int shard : new int[] {0, 3, 17, 1_000_000}) {
                assertThat(SequenceNumber.ofNextRecord(SequenceNumber.ofRecord(CREATED, shard, offset, arrival)))
                        .isEqualTo(SequenceNumber.ofRecord(CREATED, shard, offset + 1, arrival));
            }
        }
    }

    @Test
    void readsTheCompactFormRunnelIssuedBefore() {
        String old = SequenceNumber.compact(12, 9_876_543_210L);
        assertThat(old).hasSize(26).isEqualTo("4000012" + "0000000009876543210");
        assertThat(SequenceNumber.decode(old)).isEqualTo(new SequenceNumber.Position(12, 9_876_543_211L, 0));
    }

    @Test
    void belongsOnlyToTheShardItNames() {
        Shard shard = Shard.open(3, null, null, HashKeyRange.uniform(1).get(0), CREATED);
        SequenceNumber.Position p = SequenceNumber.decode(shard.sequenceNumber(41, CREATED + 1000));
        assertThat(p.of(shard)).isTrue();
        assertThat(p.of(Shard.open(3, null, null, HashKeyRange.uniform(1).get(0), CREATED + 86_400_000))).as("a later shard 3").isFalse();
        assertThat(p.of(Shard.open(4, null, null, HashKeyRange.uniform(1).get(0), CREATED))).isFalse();
        assertThat(p.of(shard.close(40, CREATED + 2000))).as("past the shard's end").isFalse();
        assertThat(SequenceNumber.decode(SequenceNumber.compact(3, 41)).of(shard)).isTrue();
    }

    @Test
    void refusesWhatRunnelDidNotIssue() {
        assertThat(SequenceNumber.decode("1")).isNull();
        assertThat(SequenceNumber.decode("5" + "0".repeat(25))).isNull();
        assertThat(SequenceNumber.decode("4" + "9".repeat(25))).isNull();
        assertThat(SequenceNumber.decode("9".repeat(56))).isNull();
        assertThat(SequenceNumber.decode("1" + "0".repeat(55))).isNull();
        String s = SequenceNumber.ofRecord(CREATED, 12, 7, CREATED);
        assertThat(SequenceNumber.decode(new BigInteger(s).add(BigInteger.ONE).toString())).isNull();
    }
}
