package io.runnel.video.mkv;

/**
 * One fragment as a producer sent it: a Cluster, and the stream header (EBML header, Segment, Info, Tracks) it
 * needs to be played alone. {@link #bytes()} is a complete Matroska file.
 *
 * @param header           the EBML header, a Segment of unknown size, the Info and Tracks elements as received
 * @param cluster          the Cluster element, byte for byte as received
 * @param timecode         the Cluster's timecode as sent, in the stream's timecode units
 * @param timecodeMillis   the same in milliseconds
 * @param durationMillis   from its first frame to the end of its last
 * @param startsOnKeyFrame whether its first video frame is a key frame (always, for a fragment of audio alone)
 */
public record Fragment(byte[] header, byte[] cluster, long timecode, long timecodeMillis, long durationMillis,
                       boolean startsOnKeyFrame) {

    public byte[] bytes() {
        byte[] all = new byte[header.length + cluster.length];
        System.arraycopy(header, 0, all, 0, header.length);
        System.arraycopy(cluster, 0, all, header.length, cluster.length);
        return all;
    }

    public int size() {
        return header.length + cluster.length;
    }
}
