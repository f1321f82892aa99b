package io.runnel.core;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Kinesis Producer Library's aggregated record: a magic number, a protobuf {@code AggregatedRecord} (tables of
 * partition keys and explicit hash keys, then the user records that index them), and the MD5 of the protobuf. The
 * protobuf is read here by hand, field by field, rather than with protobuf-java: its five fields do not justify a
 * library that Flink's runtime and user jobs bring in conflicting versions of.
 */
public final class AggregatedRecord {

    private static final byte[] MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};
    private static final int DIGEST_BYTES = 16;

    /** One record the producer put, as the KCL hands it out; {@code explicitHashKey} is null when it had none. */
    public record UserRecord(String partitionKey, String explicitHashKey, byte[] data) {
    }

    private AggregatedRecord() {
    }

    /**
     * The user records inside {@code data}, in order; null when it is not an aggregated record (no magic number, a
     * digest that does not match, or a protobuf that does not parse), which is then a record of its own, as the KCL
     * takes it.
     */
    public static List<UserRecord> deaggregate(byte[] data) {
        if (data == null || data.length < MAGIC.length + DIGEST_BYTES || !Arrays.equals(data, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return null;
        }
        int end = data.length - DIGEST_BYTES;
        byte[] digest = md5(data, MAGIC.length, end - MAGIC.length);
        if (!Arrays.equals(digest, 0, DIGEST_BYTES, data, end, data.length)) {
            return null;
        }
        try {
            return parse(new Reader(data, MAGIC.length, end));
        } catch (IllegalArgumentException malformed) {
            return null;
        }
    }

    /**
     * The part of an aggregated record that a child shard of a split holds, when the record was aggregated for the
     * parent: null when the child holds all of it, when its user records do not all lie in the parent (an aggregator that
     * does not follow shards, whose records are kept as sent), or when it is not an aggregated record.
     * <p>
     * Just after a split the KPL still aggregates for the parent, and the record lands, by its explicit hash key, on
     * one child. The KPL then counts the user records that child holds as put and sends the others again, while the
     * KCL, meeting a user record outside its shard, drops the whole aggregate: the user records the KPL counted as put
     * would be read by no one. Kept to the child's own, they are read once.
     */
    public static byte[] within(byte[] data, HashKeyRange child, HashKeyRange parent) {
        List<UserRecord> records = deaggregate(data);
        if (records == null) {
            return null;
        }
        List<UserRecord> kept = new ArrayList<>();
        for (UserRecord r : records) {
            BigInteger hashKey;
            try {
                hashKey = r.explicitHashKey() != null ? HashKey.parseExplicit(r.explicitHashKey()) : HashKey.ofPartitionKey(r.partitionKey());
            } catch (NumberFormatException notAHashKey) {
                return null; // not one the KPL made: kept as sent
            }
            if (!parent.contains(hashKey)) {
                return null;
            }
            if (child.contains(hashKey)) {
                kept.add(r);
            }
        }
        return kept.size() == records.size() || kept.isEmpty() ? null : aggregate(kept);
    }

    /** Aggregates user records as the KPL does: tables of their keys, the records, and the digest. */
    public static byte[] aggregate(List<UserRecord> records) {
        Map<String, Integer> partitionKeys = new LinkedHashMap<>();
        Map<String, Integer> hashKeys = new LinkedHashMap<>();
        for (UserRecord r : records) {
            partitionKeys.putIfAbsent(r.partitionKey(), partitionKeys.size());
            if (r.explicitHashKey() != null) {
                hashKeys.putIfAbsent(r.explicitHashKey(), hashKeys.size());
            }
        }
        Writer out = new Writer();
        partitionKeys.keySet().forEach(k -> out.field(1, k.getBytes(StandardCharsets.UTF_8)));
        hashKeys.keySet().forEach(k -> out.field(2, k.getBytes(StandardCharsets.UTF_8)));
        for (UserRecord r : records) {
            Writer record = new Writer();
            record.number(1, partitionKeys.get(r.partitionKey()));
            if (r.explicitHashKey() != null) {
                record.number(2, hashKeys.get(r.explicitHashKey()));
            }
            record.field(3, r.data());
            out.field(3, record.bytes());
        }
        byte[] message = out.bytes();
        byte[] result = Arrays.copyOf(MAGIC, MAGIC.length + message.length + DIGEST_BYTES);
        System.arraycopy(message, 0, result, MAGIC.length, message.length);
        System.arraycopy(md5(message, 0, message.length), 0, result, MAGIC.length + message.length, DIGEST_BYTES);
        return result;
    }

    /** Protobuf's wire format, the two kinds of field an aggregated record has. */
    private static final class Writer {
        private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

        void number(int field, long value) {
            varint((long) field << 3);
            varint(value);
        }

        void field(int field, byte[] value) {
            varint((long) field << 3 | 2);
            varint(value.length);
            out.writeBytes(value);
        }

        private void varint(long value) {
            while ((value & ~0x7FL) != 0) {
                out.write((int) (value & 0x7F) | 0x80);
                value >>>= 7;
            }
            out.write((int) value);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    private static List<UserRecord> parse(Reader in) {
        List<String> partitionKeys = new ArrayList<>();
        List<String> hashKeys = new ArrayList<>();
        List<long[]> indexes = new ArrayList<>(); // per record: partition key index, explicit hash key index or -1
        List<byte[]> payloads = new ArrayList<>();
        while (in.more()) {
            long tag = in.tag();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (field == 1 && wire == 2) {
                partitionKeys.add(in.text());
            } else if (field == 2 && wire == 2) {
                hashKeys.add(in.text());
            } else if (field == 3 && wire == 2) {
                Reader record = in.message();
                long[] index = {-1, -1};
                byte[] payload = null;
                while (record.more()) {
                    long t = record.tag();
                    int f = (int) (t >>> 3);
                    int w = (int) (t & 7);
                    if (f == 1 && w == 0) {
                        index[0] = record.index();
                    } else if (f == 2 && w == 0) {
                        index[1] = record.index();
                    } else if (f == 3 && w == 2) {
                        payload = record.bytes();
                    } else {
                        record.skip(w);
                    }
                }
                if (index[0] < 0 || payload == null) {
                    throw new IllegalArgumentException("a record without its partition key index or data");
                }
                indexes.add(index);
                payloads.add(payload);
            } else {
                in.skip(wire);
            }
        }
        List<UserRecord> records = new ArrayList<>(payloads.size());
        for (int i = 0; i < payloads.size(); i++) {
            long[] index = indexes.get(i);
            if (index[0] >= partitionKeys.size() || index[1] >= hashKeys.size()) {
                throw new IllegalArgumentException("a record indexes past its table");
            }
            records.add(new UserRecord(partitionKeys.get((int) index[0]), index[1] < 0 ? null : hashKeys.get((int) index[1]),
                    payloads.get(i)));
        }
        return records;
    }

    /** Protobuf's wire format over a slice of bytes; anything out of bounds is an IllegalArgumentException. */
    private static final class Reader {
        private final byte[] bytes;
        private int pos;
        private final int end;

        Reader(byte[] bytes, int from, int end) {
            this.bytes = bytes;
            this.pos = from;
            this.end = end;
        }

        boolean more() {
            return pos < end;
        }

        long varint() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw new IllegalArgumentException("a varint runs past its message");
                }
                byte b = bytes[pos++];
                value |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            throw new IllegalArgumentException("a varint longer than ten bytes");
        }

        /** A field's tag: a field number of 1 to 2^29 - 1 and a wire type. */
        long tag() {
            long tag = varint();
            if (tag >>> 3 == 0 || tag >>> 3 > (1 << 29) - 1) {
                throw new IllegalArgumentException("field number " + (tag >>> 3));
            }
            return tag;
        }

        /** An index into a table: a uint64 that must be below 2^31 to index anything. */
        long index() {
            long n = varint();
            if (n < 0 || n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("an index beyond any table");
            }
            return n;
        }

        private int length() {
            long n = varint();
            if (n < 0 || n > end - pos) {
                throw new IllegalArgumentException("a length runs past its message");
            }
            return (int) n;
        }

        byte[] bytes() {
            int n = length();
            byte[] out = Arrays.copyOfRange(bytes, pos, pos + n);
            pos += n;
            return out;
        }

        String text() {
            int n = length();
            String s = new String(bytes, pos, n, StandardCharsets.UTF_8);
            pos += n;
            return s;
        }

        Reader message() {
            int n = length();
            Reader inner = new Reader(bytes, pos, pos + n);
            pos += n;
            return inner;
        }

        void skip(int wire) {
            int n = switch (wire) {
                case 0 -> {
                    varint();
                    yield 0;
                }
                case 1 -> 8;
                case 2 -> length();
                case 5 -> 4;
                default -> throw new IllegalArgumentException("wire type " + wire);
            };
            if (n > end - pos) {
                throw new IllegalArgumentException("a field runs past its message");
            }
            pos += n;
        }
    }

    private static byte[] md5(byte[] data, int from, int length) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(data, from, length);
            return md5.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no MD5", e);
        }
    }
}
