package io.runnel.core;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * Sequence numbers in Kinesis's own layout: 56 decimal digits that are, in hexadecimal, a version digit
 * {@code 2}, the shard's creation time (9 digits of seconds), the shard index's low digit, a per-shard
 * counter (16 digits), two zero digits, the record's arrival time (9 digits of seconds), the shard index
 * (8 digits) and the version again. Runnel's counter is the record's Kafka offset plus one, so counter 0
 * is the shard's {@code StartingSequenceNumber}, before every record; within a shard every field ahead of
 * the counter is fixed, so sequence numbers increase strictly with the offset.
 * <p>
 * Runnel once issued 26-digit sequence numbers ({@code 4}, six digits of shard index, nineteen of offset);
 * {@link #decode} still reads them, and video fragment numbers keep that {@link #compact} form.
 */
public final class SequenceNumber {

    private static final BigInteger LOWEST = BigInteger.TWO.pow(185);
    private static final BigInteger BEYOND = BigInteger.TWO.pow(184).multiply(BigInteger.valueOf(3));
    private static final long MAX_SECONDS = 0xF_FFFF_FFFFL;
    private static final int HEX_DIGITS = 47;
    /** One step of the counter: 80 bits of fields follow it. */
    private static final BigInteger ONE_COUNTER = BigInteger.TWO.pow(80);
    private static final byte[] NEXT_COUNTER = ONE_COUNTER.toString().getBytes(StandardCharsets.ISO_8859_1);

    private static final int COMPACT_SHARD_DIGITS = 6;
    private static final int COMPACT_LENGTH = 1 + COMPACT_SHARD_DIGITS + 19;

    private SequenceNumber() {
    }

    /**
     * Where a sequence number points in its shard.
     *
     * @param counter              the offset of its record plus one; 0 for the shard's start
     * @param shardCreatedSeconds  the creation time of the shard it names, in epoch seconds; 0 when it does not tell
     *                             (the compact form, or a Flink job's split restored from before splits carried it)
     */
    public record Position(int shardIndex, long counter, long shardCreatedSeconds) {

        /** Whether it can be a sequence number of this shard: the shard's own index, and its creation time if it tells one. */
        public boolean of(Shard shard) {
            return shardIndex == shard.index() && (shardCreatedSeconds == 0 || shardCreatedSeconds == shard.createdAt() / 1000)
                    && (shard.endOffset() == null || counter <= shard.endOffset());
        }

        /** The offset AT_SEQUENCE_NUMBER starts at: the record's own. */
        public long atOffset() {
            return Math.max(0, counter - 1);
        }

        /** The offset AFTER_SEQUENCE_NUMBER starts at: the next record's. */
        public long afterOffset() {
            return counter;
        }
    }

    /** The sequence number of the record at {@code offset} of a shard, which arrived at {@code arrivalMillis}. */
    public static String ofRecord(long shardCreatedAt, int shardIndex, long offset, long arrivalMillis) {
        if (offset < 0 || offset == Long.MAX_VALUE) {
            throw new IllegalArgumentException("no sequence number for offset " + offset);
        }
        return of(shardCreatedAt, shardIndex, offset + 1, arrivalMillis);
    }

    /**
     * The sequence number of the record after the one numbered {@code previous} in the same shard, when it arrived in
     * the same second: only the counter differs, by one, so this adds 2^80 in decimal instead of spelling 192 bits anew
     * (a put's records to one shard are mostly consecutive).
     */
    public static String ofNextRecord(String previous) {
        if (previous.length() <= NEXT_COUNTER.length) {
            return new BigInteger(previous).add(ONE_COUNTER).toString();
        }
        byte[] digits = previous.getBytes(StandardCharsets.ISO_8859_1);
        int carry = 0;
        int d = NEXT_COUNTER.length - 1;
        for (int i = digits.length - 1; i >= 0 && (d >= 0 || carry != 0); i--, d--) {
            int sum = digits[i] - '0' + carry + (d >= 0 ? NEXT_COUNTER[d] - '0' : 0);
            carry = sum >= 10 ? 1 : 0;
            digits[i] = (byte) ('0' + sum - 10 * carry);
        }
        return carry == 0 ? new String(digits, StandardCharsets.ISO_8859_1) : new BigInteger(previous).add(ONE_COUNTER).toString();
    }

    /** The sequence number of a shard's {@code counter}, written at {@code timeMillis}. */
    public static String of(long shardCreatedAt, int shardIndex, long counter, long timeMillis) {
        if (shardIndex < 0 || counter < 0) {
            throw new IllegalArgumentException("no sequence number for shard " + shardIndex + " counter " + counter);
        }
        long[] bits = new long[3];
        shiftIn(bits, 2, 4);
        shiftIn(bits, seconds(shardCreatedAt), 36);
        shiftIn(bits, shardIndex & 0xF, 4);
        shiftIn(bits, counter, 64);
        shiftIn(bits, 0, 8);
        shiftIn(bits, seconds(timeMillis), 36);
        shiftIn(bits, shardIndex, 32);
        shiftIn(bits, 2, 4);
        return decimal(bits);
    }

    /** Appends the low {@code count} bits of {@code value} to a 192-bit number held in three longs, most significant first. */
    private static void shiftIn(long[] bits, long value, int count) {
        if (count == 64) {
            bits[0] = bits[1];
            bits[1] = bits[2];
            bits[2] = value;
            return;
        }
        bits[0] = (bits[0] << count) | (bits[1] >>> (64 - count));
        bits[1] = (bits[1] << count) | (bits[2] >>> (64 - count));
        bits[2] = (bits[2] << count) | (value & ((1L << count) - 1));
    }

    /**
     * The decimal digits of a 192-bit unsigned number, by long division in 32-bit limbs: sequence numbers are made
     * for every record put and read, and BigInteger's conversion would cost more than the rest of a put.
     */
    static String decimal(long[] bits) {
        int[] limbs = new int[6];
        for (int i = 0; i < 3; i++) {
            limbs[2 * i] = (int) (bits[i] >>> 32);
            limbs[2 * i + 1] = (int) bits[i];
        }
        // Nine digits at a time, least significant first; limbs that have become zero are skipped.
        int[] nines = new int[7];
        int count = 0;
        int first = 0;
        while (first < limbs.length && limbs[first] == 0) {
            first++;
        }
        while (first < limbs.length) {
            long remainder = 0;
            for (int i = first; i < limbs.length; i++) {
                long current = (remainder << 32) | (limbs[i] & 0xFFFF_FFFFL);
                long quotient = current / 1_000_000_000L;
                limbs[i] = (int) quotient;
                remainder = current - quotient * 1_000_000_000L;
            }
            nines[count++] = (int) remainder;
            while (first < limbs.length && limbs[first] == 0) {
                first++;
            }
        }
        if (count == 0) {
            return "0";
        }
        byte[] digits = new byte[9 * count];
        int pos = digits.length;
        for (int n = 0; n < count; n++) {
            int value = nines[n];
            for (int d = 0; d < 9; d++) {
                int next = value / 10;
                digits[--pos] = (byte) ('0' + value - next * 10);
                value = next;
            }
        }
        while (digits[pos] == '0') {
            pos++;
        }
        return new String(digits, pos, digits.length - pos, StandardCharsets.ISO_8859_1);
    }

    private static long seconds(long millis) {
        return Math.min(MAX_SECONDS, Math.max(0, millis / 1000));
    }

    /** The 26-digit form: what Runnel issued as sequence numbers before, and what video fragment numbers are. */
    public static String compact(int shardIndex, long offset) {
        if (shardIndex < 0 || shardIndex > 999_999 || offset < 0) {
            throw new IllegalArgumentException("no sequence number for shard " + shardIndex + " offset " + offset);
        }
        String shard = Integer.toString(shardIndex);
        String off = Long.toString(offset);
        return "4" + "0".repeat(COMPACT_SHARD_DIGITS - shard.length()) + shard + "0".repeat(19 - off.length()) + off;
    }

    /** Decodes a sequence number issued by Runnel, in either form, or returns null when it is not one. */
    public static Position decode(String sequenceNumber) {
        if (sequenceNumber == null || sequenceNumber.isEmpty() || sequenceNumber.length() > 60) {
            return null;
        }
        for (int i = 0; i < sequenceNumber.length(); i++) {
            char c = sequenceNumber.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
        }
        if (sequenceNumber.length() == COMPACT_LENGTH && sequenceNumber.charAt(0) == '4') {
            return decodeCompact(sequenceNumber);
        }
        BigInteger n = new BigInteger(sequenceNumber);
        if (n.compareTo(LOWEST) < 0 || n.compareTo(BEYOND) >= 0) {
            return null;
        }
        String hex = n.toString(16);
        if (hex.length() != HEX_DIGITS || hex.charAt(HEX_DIGITS - 1) != '2' || hex.charAt(11) > '7' || hex.charAt(38) > '7') {
            return null;
        }
        int shardIndex = Integer.parseInt(hex.substring(38, 46), 16);
        if (Character.digit(hex.charAt(10), 16) != (shardIndex & 0xF)) {
            return null;
        }
        return new Position(shardIndex, Long.parseLong(hex.substring(11, 27), 16), Long.parseLong(hex.substring(1, 10), 16));
    }

    private static Position decodeCompact(String sequenceNumber) {
        int shard = Integer.parseInt(sequenceNumber.substring(1, 1 + COMPACT_SHARD_DIGITS));
        long offset;
        try {
            offset = Long.parseLong(sequenceNumber.substring(1 + COMPACT_SHARD_DIGITS));
        } catch (NumberFormatException e) {
            return null;
        }
        return offset == Long.MAX_VALUE ? null : new Position(shard, offset + 1, 0);
    }
}
