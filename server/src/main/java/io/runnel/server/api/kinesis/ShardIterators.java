package io.runnel.server.api.kinesis;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;

/**
 * Shard iterators name a position (stream, shard, offset) and the time they were issued. They are sealed
 * with an HMAC keyed by the account and region, so a forged, altered or foreign iterator is rejected.
 */
final class ShardIterators {

    private static final byte VERSION = 1;
    private static final int MAC_BYTES = 12;

    record Position(String streamName, long streamCreatedAt, int shardIndex, long offset, long issuedAt) {
    }

    /** Every GetRecords opens one iterator and seals another: keep a keyed Mac per thread. */
    private final ThreadLocal<Mac> macs;

    ShardIterators(String accountId, String region) {
        SecretKeySpec key = new SecretKeySpec(("runnel-shard-iterator:" + accountId + ":" + region)
                .getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(key);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    String encode(Position p) {
        byte[] name = p.streamName().getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(1 + 8 + 4 + 8 + 8 + name.length + MAC_BYTES);
        b.put(VERSION).putLong(p.streamCreatedAt()).putInt(p.shardIndex()).putLong(p.offset()).putLong(p.issuedAt()).put(name);
        b.put(mac(b.array(), b.position()));
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
        if (!java.security.MessageDigest.isEqual(mac(raw, body), Arrays.copyOfRange(raw, body, raw.length))) {
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

    private byte[] mac(byte[] data, int length) {
        Mac mac = macs.get();
        mac.update(data, 0, length);
        return Arrays.copyOf(mac.doFinal(), MAC_BYTES);
    }
}
