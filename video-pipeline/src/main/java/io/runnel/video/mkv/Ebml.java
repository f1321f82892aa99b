package io.runnel.video.mkv;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The few Matroska element ids Runnel reads or writes, and EBML's variable-length integers. An element is an id
 * (1–4 bytes, its length marker kept), a size (1–8 bytes, marker removed; all ones means unknown) and its data.
 */
public final class Ebml {

    public static final int EBML_HEADER = 0x1A45DFA3;
    public static final int SEGMENT = 0x18538067;
    public static final int SEEK_HEAD = 0x114D9B74;
    public static final int INFO = 0x1549A966;
    public static final int TIMECODE_SCALE = 0x2AD7B1;
    public static final int TRACKS = 0x1654AE6B;
    public static final int TRACK_ENTRY = 0xAE;
    public static final int TRACK_NUMBER = 0xD7;
    public static final int TRACK_TYPE = 0x83;
    public static final int CODEC_ID = 0x86;
    public static final int CLUSTER = 0x1F43B675;
    public static final int TIMECODE = 0xE7;
    public static final int SIMPLE_BLOCK = 0xA3;
    public static final int BLOCK_GROUP = 0xA0;
    public static final int BLOCK = 0xA1;
    public static final int REFERENCE_BLOCK = 0xFB;
    public static final int CUES = 0x1C53BB6B;
    public static final int TAGS = 0x1254C367;
    public static final int TAG = 0x7373;
    public static final int TARGETS = 0x63C0;
    public static final int SIMPLE_TAG = 0x67C8;
    public static final int TAG_NAME = 0x45A3;
    public static final int TAG_STRING = 0x4487;
    public static final int CHAPTERS = 0x1043A770;
    public static final int ATTACHMENTS = 0x1941A469;
    public static final int VOID = 0xEC;
    public static final int CRC32 = 0xBF;

    /** A size field of eight bytes that says "unknown": how a live producer opens a Segment or a Cluster. */
    public static final long UNKNOWN_SIZE = -1;

    private Ebml() {
    }

    /** Whether an id is one of a Segment's own children, so that it ends a Cluster of unknown size. */
    public static boolean isSegmentChild(int id) {
        return id == SEEK_HEAD || id == INFO || id == TRACKS || id == CLUSTER || id == CUES || id == TAGS
                || id == CHAPTERS || id == ATTACHMENTS;
    }

    /** The length of the variable-length integer starting with this byte, 1 to 8, or 0 when the byte starts none. */
    public static int vintLength(int firstByte) {
        int b = firstByte & 0xFF;
        return b == 0 ? 0 : Integer.numberOfLeadingZeros(b) - 23;
    }

    /** An element header read from bytes: its id, its data size ({@link #UNKNOWN_SIZE} if unknown), and its own length. */
    public record Header(int id, long size, int length) {
        public boolean sizeKnown() {
            return size != UNKNOWN_SIZE;
        }
    }

    /**
     * Reads an element header at {@code pos}, or returns null when fewer than its bytes are there yet.
     *
     * @throws MkvException when the bytes are no element header
     */
    public static Header header(byte[] b, int pos, int end) {
        if (pos >= end) {
            return null;
        }
        int idLength = vintLength(b[pos]);
        if (idLength == 0 || idLength > 4) {
            throw new MkvException("no element id at byte " + pos + " (0x" + Integer.toHexString(b[pos] & 0xFF) + ")");
        }
        if (pos + idLength >= end) {
            return null;
        }
        int id = 0;
        for (int i = 0; i < idLength; i++) {
            id = (id << 8) | (b[pos + i] & 0xFF);
        }
        int sizeLength = vintLength(b[pos + idLength]);
        if (sizeLength == 0) {
            throw new MkvException("no element size after id 0x" + Integer.toHexString(id));
        }
        if (pos + idLength + sizeLength > end) {
            return null;
        }
        long size = b[pos + idLength] & (0xFF >> sizeLength);
        boolean allOnes = size == (0xFF >> sizeLength);
        for (int i = 1; i < sizeLength; i++) {
            int next = b[pos + idLength + i] & 0xFF;
            allOnes &= next == 0xFF;
            size = (size << 8) | next;
        }
        return new Header(id, allOnes ? UNKNOWN_SIZE : size, idLength + sizeLength);
    }

    /** An unsigned integer element's value. */
    public static long uint(byte[] b, int pos, int length) {
        if (length > 8) {
            throw new MkvException("an unsigned integer of " + length + " bytes");
        }
        long v = 0;
        for (int i = 0; i < length; i++) {
            v = (v << 8) | (b[pos + i] & 0xFF);
        }
        return v;
    }

    /** Writes an element id as its bytes. */
    public static void writeId(ByteArrayOutputStream out, int id) {
        int length = 4 - Integer.numberOfLeadingZeros(id) / 8;
        for (int i = length - 1; i >= 0; i--) {
            out.write(id >>> (8 * i));
        }
    }

    /** Writes a size in eight bytes, as Matroska muxers do for sizes they fill in later; {@link #UNKNOWN_SIZE} for unknown. */
    public static void writeSize(ByteArrayOutputStream out, long size) {
        if (size == UNKNOWN_SIZE) {
            out.write(0x01);
            for (int i = 0; i < 7; i++) {
                out.write(0xFF);
            }
            return;
        }
        if (size < 0 || size >= (1L << 56) - 1) {
            throw new IllegalArgumentException("no EBML size for " + size);
        }
        out.write(0x01);
        for (int i = 6; i >= 0; i--) {
            out.write((int) (size >>> (8 * i)));
        }
    }

    public static void writeElement(ByteArrayOutputStream out, int id, byte[] data) {
        writeId(out, id);
        writeSize(out, data.length);
        out.writeBytes(data);
    }

    public static void writeString(ByteArrayOutputStream out, int id, String value) {
        writeElement(out, id, value.getBytes(StandardCharsets.UTF_8));
    }

    public static void writeUint(ByteArrayOutputStream out, int id, long value) {
        int length = Math.max(1, 8 - Long.numberOfLeadingZeros(value) / 8);
        byte[] data = new byte[length];
        for (int i = 0; i < length; i++) {
            data[length - 1 - i] = (byte) (value >>> (8 * i));
        }
        writeElement(out, id, data);
    }
}
