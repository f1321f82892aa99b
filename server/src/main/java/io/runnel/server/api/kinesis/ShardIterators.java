package io.runnel.server.api.kinesis;

import io.runnel.core.MetadataLog;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Shard iterators name a position (stream, shard, offset) and the time they were issued. They are sealed with an
 * HMAC whose key only the servers know: random, made by the first server on a Kafka cluster and kept in its metadata
 * topic, so that every server there reads the iterators any of them issued, and a forged, altered or foreign
 * iterator is rejected.
 */
final class ShardIterators {

    private static final byte VERSION = 1;
    private static final int MAC_BYTES = 12;
    private static final String KEY_KIND = "secret";
    private static final String KEY_NAME = "shard-iterators";

    record Position(String streamName, long streamCreatedAt, int shardIndex, long offset, long issuedAt) {
    }

    /** The key as the metadata topic has it now: it changes only when two servers made one at once. */
    private final Supplier<byte[]> currentKey;
    private volatile Sealer sealer;

    /** A key and, since every GetRecords opens one iterator and seals another, a keyed Mac per thread. */
    private record Sealer(byte[] key, ThreadLocal<Mac> macs) {
        static Sealer of(byte[] key) {
            SecretKeySpec spec = new SecretKeySpec(key, "HmacSHA256");
            return new Sealer(key, ThreadLocal.withInitial(() -> {
                try {
                    Mac mac = Mac.getInstance("HmacSHA256");
                    mac.init(spec);
                    return mac;
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
    }

    ShardIterators(Supplier<byte[]> key) {
        this.currentKey = key;
        this.sealer = Sealer.of(key.get());
    }

    /** The key of this cluster's servers, made now if none has been: blocks until the metadata topic has it. */
    static Supplier<byte[]> keyIn(MetadataLog metadata) {
        try {
            // One change, so that of two servers starting at once on a new Kafka, one makes the key and the other reads it.
            metadata.serialized(() -> {
                if (metadata.document(KEY_KIND, KEY_NAME).isEmpty()) {
                    byte[] key = new byte[32];
                    new SecureRandom().nextBytes(key);
                    metadata.putDocument(KEY_KIND, KEY_NAME, key).get(60, TimeUnit.SECONDS);
                }
                return null;
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while storing the shard iterators' key", e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot store the shard iterators' key in the metadata topic", e);
        }
        return () -> metadata.document(KEY_KIND, KEY_NAME).orElseThrow();
    }

    String encode(Position p) {
        byte[] name = p.streamName().getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(1 + 8 + 4 + 8 + 8 + name.length + MAC_BYTES);
        b.put(VERSION).putLong(p.streamCreatedAt()).putInt(p.shardIndex()).putLong(p.offset()).putLong(p.issuedAt()).put(name);
        b.put(mac(sealer(), b.array(), b.position()));
        return Base64.getEncoder().encodeToString(b.array());
    }

    /** The position an iterator names, or null when the text is not an iterator this server issued. */
    Position decode(String iterator) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(iterator);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int header = 1 + 8 + 4 + 8 + 8;
        if (raw.length <= header + MAC_BYTES || raw[0] != VERSION) {
            return null;
        }
        int body = raw.length - MAC_BYTES;
        byte[] seal = Arrays.copyOfRange(raw, body, raw.length);
        if (!MessageDigest.isEqual(mac(sealer(), raw, body), seal)) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(raw, 1, body - 1);
        long created = b.getLong();
        int shard = b.getInt();
        long offset = b.getLong();
        long issued = b.getLong();
        String name = new String(raw, header, body - header, StandardCharsets.UTF_8);
        return new Position(name, created, shard, offset, issued);
    }

    /** The sealer of the current key: another server's key, if two made one at once and its write came last. */
    private Sealer sealer() {
        Sealer current = sealer;
        byte[] key = currentKey.get();
        if (key != current.key()) {
            current = Sealer.of(key);
            sealer = current;
        }
        return current;
    }

    private static byte[] mac(Sealer sealer, byte[] data, int length) {
        Mac mac = sealer.macs().get();
        mac.update(data, 0, length);
        return Arrays.copyOf(mac.doFinal(), MAC_BYTES);
    }
}
