package io.runnel.video.media;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** The few ISO-BMFF boxes Runnel reads or mends in an MP4 fragment FFmpeg wrote. */
final class Mp4Boxes {

    private static final String[] TO_VIDEO_MEDIA = {"moov", "trak", "mdia"};
    private static final String[] TO_DECODE_TIME = {"moof", "traf", "tfdt"};

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

    /** Sets the decode time of a media segment's first track fragment, which FFmpeg always starts at zero. */
    static void setBaseMediaDecodeTime(byte[] media, long time) {
        int tfdt = path(media, 0, media.length, TO_DECODE_TIME);
        if (tfdt < 0) {
            throw new IllegalArgumentException("an MP4 media segment without a decode time");
        }
        ByteBuffer box = ByteBuffer.wrap(media, tfdt + 8, size(media, tfdt) - 8).slice();
        int version = box.get(0);
        if (version == 1) {
            box.putLong(4, time);
        } else if (time >= 0 && time <= 0xFFFFFFFFL) {
            box.putInt(4, (int) time);
        } else {
            throw new IllegalArgumentException("a decode time of " + time + " does not fit a version-0 tfdt");
        }
    }
}
