package io.runnel.core;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The 128-bit hash key Kinesis derives from a partition key: the MD5 digest read as an unsigned integer. */
public final class HashKey {

    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no MD5", e);
        }
    });

    private HashKey() {
    }

    public static BigInteger ofPartitionKey(String partitionKey) {
        return ofPartitionKey(partitionKey.getBytes(StandardCharsets.UTF_8));
    }

    /** The hash key of a partition key already encoded as UTF-8. */
    public static BigInteger ofPartitionKey(byte[] utf8PartitionKey) {
        return new BigInteger(1, digest(utf8PartitionKey));
    }

    /** The hash key of a partition key already encoded as UTF-8, as 16 big-endian bytes. */
    public static byte[] digest(byte[] utf8PartitionKey) {
        return MD5.get().digest(utf8PartitionKey);
    }

    /** Parses an ExplicitHashKey; the caller has already checked its decimal pattern. */
    public static BigInteger parseExplicit(String explicitHashKey) {
        return new BigInteger(explicitHashKey);
    }

    public static boolean inRange(BigInteger hashKey) {
        return hashKey.signum() >= 0 && hashKey.compareTo(HashKeyRange.MAX_HASH_KEY) <= 0;
    }
}
