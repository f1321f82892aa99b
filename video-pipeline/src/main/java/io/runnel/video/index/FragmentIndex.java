package io.runnel.video.index;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Where a video stream's fragment index lives: the data stream the server appends its {@link FragmentEntry}s to. */
public final class FragmentIndex {

    private static final String PREFIX = "kinesisvideo-";
    private static final int MAX_DATA_STREAM_NAME = 128;

    private FragmentIndex() {
    }

    /**
     * The index's data stream: {@code kinesisvideo-<video stream>}, or, past a data stream name's 128 characters, its
     * start and a hash of the whole name.
     */
    public static String streamName(String videoStream) {
        String name = PREFIX + videoStream;
        if (name.length() <= MAX_DATA_STREAM_NAME) {
            return name;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(videoStream.getBytes(StandardCharsets.UTF_8));
            String hash = HexFormat.of().formatHex(digest, 0, 8);
            return name.substring(0, MAX_DATA_STREAM_NAME - hash.length() - 1) + "-" + hash;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
