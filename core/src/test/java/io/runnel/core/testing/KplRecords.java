package io.runnel.core.testing;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Aggregated records as the KPL makes them: magic number, the protobuf {@code AggregatedRecord} written by protobuf's
 * own encoder, its MD5.
 */
public final class KplRecords {

    private static final byte[] MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};

    /** A user record; {@code explicitHashKey} may be null. */
    public record User(String partitionKey, String explicitHashKey, byte[] data) {
    }

    private KplRecords() {
    }

    public static byte[] aggregate(List<User> users) throws Exception {
        List<String> keys = new ArrayList<>();
        List<String> hashKeys = new ArrayList<>();
        ByteArrayOutputStream protobuf = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(protobuf);
        for (User u : users) {
            if (!keys.contains(u.partitionKey())) {
                keys.add(u.partitionKey());
            }
            if (u.explicitHashKey() != null && !hashKeys.contains(u.explicitHashKey())) {
                hashKeys.add(u.explicitHashKey());
            }
        }
        for (String key : keys) {
            out.writeString(1, key);
        }
        for (String key : hashKeys) {
            out.writeString(2, key);
        }
        for (User u : users) {
            ByteArrayOutputStream record = new ByteArrayOutputStream();
            CodedOutputStream r = CodedOutputStream.newInstance(record);
            r.writeUInt64(1, keys.indexOf(u.partitionKey()));
            if (u.explicitHashKey() != null) {
                r.writeUInt64(2, hashKeys.indexOf(u.explicitHashKey()));
            }
            r.writeBytes(3, ByteString.copyFrom(u.data()));
            r.writeBytes(4, ByteString.copyFrom(new byte[] {10, 1, 'k'})); // a tag {key: "k"}, which readers skip
            r.flush();
            out.writeByteArray(3, record.toByteArray());
        }
        out.flush();
        return wrap(protobuf.toByteArray());
    }

    /** The magic number, the protobuf and its MD5. */
    public static byte[] wrap(byte[] protobuf) throws IOException {
        try {
            ByteArrayOutputStream whole = new ByteArrayOutputStream();
            whole.write(MAGIC);
            whole.write(protobuf);
            whole.write(MessageDigest.getInstance("MD5").digest(protobuf));
            return whole.toByteArray();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
