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

    /**
     * The shard index an id names, read as Kinesis reads one: by its trailing digits, so that
     * {@code shardId-000000000001}, {@code shardId-1} and {@code 1} all name shard 1. -1 when the text ends in no
     * digits, or in a number no shard can have.
     */
    public static int indexOf(String shardId) {
        if (shardId == null) {
            return -1;
        }
        int start = shardId.length();
        while (start > 0 && shardId.charAt(start - 1) >= '0' && shardId.charAt(start - 1) <= '9') {
            start--;
        }
        if (start == shardId.length()) {
            return -1;
        }
        int first = start;
        while (first < shardId.length() - 1 && shardId.charAt(first) == '0') {
            first++;
        }
        if (shardId.length() - first > 10) {
            return -1;
        }
        long value = Long.parseLong(shardId.substring(first));
        return value > Integer.MAX_VALUE ? -1 : (int) value;
    }
}
