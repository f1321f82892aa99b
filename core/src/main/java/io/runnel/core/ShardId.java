package io.runnel.core;

/**
 * Shard ids are {@code shardId-} and twelve digits, as in Kinesis. The number is also the index of the
 * Kafka partition that holds the shard's records, so it never changes and is never reused.
 */
public final class ShardId {

    private static final String PREFIX = "shardId-";

    private ShardId() {
    }

    public static String of(int index) {
        char[] id = (PREFIX + "000000000000").toCharArray();
        for (int i = id.length - 1, n = index; n > 0; i--, n /= 10) {
            id[i] = (char) ('0' + n % 10);
        }
        return new String(id);
    }

    /** The shard index of an id, or -1 when the text is not a shard id. */
    public static int indexOf(String shardId) {
        if (shardId == null || !shardId.startsWith(PREFIX) || shardId.length() != PREFIX.length() + 12) {
            return -1;
        }
        try {
            long value = Long.parseLong(shardId.substring(PREFIX.length()));
            return value > Integer.MAX_VALUE ? -1 : (int) value;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
