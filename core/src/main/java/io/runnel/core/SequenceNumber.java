package io.runnel.core;

/**
 * Sequence numbers encode a record's position: its shard and its Kafka offset, as fixed-width decimal
 * digits so that they increase strictly with the offset within a shard and decode back to it.
 * Layout: {@code 4}, six digits of shard index, nineteen digits of offset (26 digits in all).
 */
public final class SequenceNumber {

    private static final int SHARD_DIGITS = 6;
    private static final int OFFSET_DIGITS = 19;
    private static final int LENGTH = 1 + SHARD_DIGITS + OFFSET_DIGITS;

    private SequenceNumber() {
    }

    public record Position(int shardIndex, long offset) {
    }

    public static String of(int shardIndex, long offset) {
        if (shardIndex < 0 || shardIndex > 999_999 || offset < 0) {
            throw new IllegalArgumentException("no sequence number for shard " + shardIndex + " offset " + offset);
        }
        char[] digits = new char[LENGTH];
        java.util.Arrays.fill(digits, '0');
        digits[0] = '4';
        for (int i = SHARD_DIGITS, n = shardIndex; n > 0; i--, n /= 10) {
            digits[i] = (char) ('0' + n % 10);
        }
        for (int i = LENGTH - 1; offset > 0; i--, offset /= 10) {
            digits[i] = (char) ('0' + offset % 10);
        }
        return new String(digits);
    }

    /** Decodes a sequence number issued by Runnel, or returns null when it is not one. */
    public static Position decode(String sequenceNumber) {
        if (sequenceNumber == null || sequenceNumber.length() != LENGTH || sequenceNumber.charAt(0) != '4') {
            return null;
        }
        for (int i = 1; i < LENGTH; i++) {
            char c = sequenceNumber.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
        }
        int shard = Integer.parseInt(sequenceNumber.substring(1, 1 + SHARD_DIGITS));
        long offset;
        try {
            offset = Long.parseLong(sequenceNumber.substring(1 + SHARD_DIGITS));
        } catch (NumberFormatException e) {
            return null;
        }
        return new Position(shard, offset);
    }
}
