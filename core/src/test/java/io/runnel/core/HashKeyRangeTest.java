package io.runnel.core;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HashKeyRangeTest {

    @Test
    void uniformRangesCoverTheKeySpaceWithoutGapsOrOverlaps() {
        for (int count : new int[] {1, 2, 3, 7, 500}) {
            List<HashKeyRange> ranges = HashKeyRange.uniform(count);
            assertThat(ranges).hasSize(count);
            assertThat(ranges.get(0).start()).isZero();
            assertThat(ranges.get(count - 1).end()).isEqualTo(BigInteger.TWO.pow(128).subtract(BigInteger.ONE));
            for (int i = 1; i < count; i++) {
                assertThat(ranges.get(i - 1).isFollowedBy(ranges.get(i))).isTrue();
            }
        }
    }

    @Test
    void twoShardsSplitAtTheKinesisBoundary() {
        // What Kinesis reports as shard 0's ending hash key in a two-shard stream.
        assertThat(HashKeyRange.uniform(2).get(0).end()).isEqualTo(new BigInteger("170141183460469231731687303715884105727"));
    }

    @Test
    void partitionKeysHashWithMd5() {
        // MD5("a") = 0cc175b9c0f1b6a831c399e269772661
        assertThat(HashKey.ofPartitionKey("a")).isEqualTo(new BigInteger("0cc175b9c0f1b6a831c399e269772661", 16));
    }

    @Test
    void adjacentRangesMergeInEitherOrder() {
        HashKeyRange low = new HashKeyRange(BigInteger.ZERO, BigInteger.TEN);
        HashKeyRange high = new HashKeyRange(BigInteger.valueOf(11), BigInteger.valueOf(20));
        assertThat(low.union(high)).isEqualTo(new HashKeyRange(BigInteger.ZERO, BigInteger.valueOf(20)));
        assertThat(high.union(low)).isEqualTo(new HashKeyRange(BigInteger.ZERO, BigInteger.valueOf(20)));
    }
}
