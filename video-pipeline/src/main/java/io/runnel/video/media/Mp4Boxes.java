package io.runnel.video.media;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** The few ISO-BMFF boxes Runnel reads or mends in an MP4 fragment FFmpeg wrote. */
final class Mp4Boxes {

    private static final String[] TO_VIDEO_MEDIA = {"moov", "trak", "mdia"};

    private Mp4Boxes() {
    }

    /** The offset of the first box of this type among the boxes in {@code [from, to)}, or -1. */
    static int find(byte[] b, int from, int to, String type) {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        for (int p = from; p + 8 <= to; ) {
            long size = ByteBuffer.wrap(b, p, 4).getInt() & 0xFFFFFFFFL;
            if (size == 1 && p + 16 <= to) {
                size = ByteBuffer.wrap(b, p + 8, 8).getLong();
            } else if (size == 0) {
                size = to - p;
            }
            if (size < 8 || p + size > to) {
                return -1;
            }
            if (java.util.Arrays.equals(b, p + 4, p + 8, name, 0, 4)) {
                return p;
            }
            p += (int) size;
        }
        return -1;
    }

    private static int size(byte[] b, int box) {
        return ByteBuffer.wrap(b, box, 4).getInt();
    }

    /** The box at the end of a path of container boxes, or -1. */
    private static int path(byte[] b, int from, int to, String... types) {
        int box = -1;
        for (String type : types) {
            box = find(b, from, to, type);
            if (box < 0) {
                return -1;
            }
            from = box + 8;
            to = box + size(b, box);
        }
        return box;
    }

    /** The time scale of the first track's media (the video's, as Runnel's fragments put video first). */
    static long videoTimescale(byte[] init) {
        int mdia = path(init, 0, init.length, TO_VIDEO_MEDIA);
        int mdhd = mdia < 0 ? -1 : find(init, mdia + 8, mdia + size(init, mdia), "mdhd");
        if (mdhd < 0) {
            throw new IllegalArgumentException("an MP4 initialization segment without a media header");
        }
        int version = init[mdhd + 8];
        int at = mdhd + 12 + (version == 1 ? 16 : 8);
        return ByteBuffer.wrap(init, at, 4).getInt() & 0xFFFFFFFFL;
    }

    /**
     * Moves every track fragment's decode time (FFmpeg starts a segment's at zero) on by {@code offset}, in the
     * tracks' time scale.
     */
    static void shiftDecodeTimes(byte[] media, long offset) {
        int shifted = 0;
        for (int moof = find(media, 0, media.length, "moof"); moof >= 0; moof = find(media, moof + size(media, moof), media.length, "moof")) {
            int moofEnd = moof + size(media, moof);
            for (int traf = find(media, moof + 8, moofEnd, "traf"); traf >= 0; traf = find(media, traf + size(media, traf), moofEnd, "traf")) {
                int tfdt = find(media, traf + 8, traf + size(media, traf), "tfdt");
                if (tfdt >= 0) {
                    shift(ByteBuffer.wrap(media, tfdt + 8, size(media, tfdt) - 8).slice(), offset);
                    shifted++;
                }
            }
        }
        if (shifted == 0) {
            throw new IllegalArgumentException("an MP4 media segment without a decode time");
        }
    }

    private static void shift(ByteBuffer box, long offset) {
        if (box.get(0) == 1) {
            box.putLong(4, Math.addExact(box.getLong(4), offset));
            return;
        }
        long time = (box.getInt(4) & 0xFFFFFFFFL) + offset;
        if (time < 0 || time > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("a decode time of " + time + " does not fit a version-0 tfdt");
        }
        box.putInt(4, (int) time);
    }
}
