package io.runnel.core;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/** An inclusive range of 128-bit hash keys owned by one shard. */
public record HashKeyRange(BigInteger start, BigInteger end) {

    public static final BigInteger MAX_HASH_KEY = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);
    public static final HashKeyRange ALL = new HashKeyRange(BigInteger.ZERO, MAX_HASH_KEY);

    public HashKeyRange {
        if (start.signum() < 0 || end.compareTo(MAX_HASH_KEY) > 0 || start.compareTo(end) > 0) {
            throw new IllegalArgumentException("invalid hash key range [" + start + ", " + end + "]");
        }
    }

    public boolean contains(BigInteger hashKey) {
        return start.compareTo(hashKey) <= 0 && end.compareTo(hashKey) >= 0;
    }

    /** True when {@code other} starts right after this range ends. */
    public boolean isFollowedBy(HashKeyRange other) {
        return end.add(BigInteger.ONE).equals(other.start);
    }

    public HashKeyRange union(HashKeyRange adjacent) {
        return isFollowedBy(adjacent) ? new HashKeyRange(start, adjacent.end) : new HashKeyRange(adjacent.start, end);
    }

    /** Splits the whole key space into {@code count} ranges of equal width, as CreateStream does. */
    public static List<HashKeyRange> uniform(int count) {
        BigInteger width = MAX_HASH_KEY.add(BigInteger.ONE).divide(BigInteger.valueOf(count));
        List<HashKeyRange> ranges = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            BigInteger start = width.multiply(BigInteger.valueOf(i));
            BigInteger end = i == count - 1 ? MAX_HASH_KEY : start.add(width).subtract(BigInteger.ONE);
            ranges.add(new HashKeyRange(start, end));
        }
        return ranges;
    }

    /** The boundary hash keys between the ranges of {@link #uniform(int)}: the starts of ranges 1..count-1. */
    public static List<BigInteger> uniformBoundaries(int count) {
        return uniform(count).stream().skip(1).map(HashKeyRange::start).toList();
    }
}
