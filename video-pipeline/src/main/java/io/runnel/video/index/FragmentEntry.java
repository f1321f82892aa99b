package io.runnel.video.index;

/**
 * A fragment as its video stream's fragment index records it: one JSON record per fragment, appended to the
 * index's data stream once the fragment's object is stored. The record's sequence number is the fragment number.
 *
 * @param stream            the video stream's name
 * @param fragmentTimecode  the Cluster's timecode as the producer sent it
 * @param producerTimestamp epoch milliseconds, from the producer's clock
 * @param serverTimestamp   epoch milliseconds at which the server had the whole fragment
 * @param durationMillis    how long the fragment plays
 * @param size              the stored object's size in bytes
 * @param headerLength      where the Cluster starts in the stored object; before it, the stream header
 * @param bucket            the bucket of the stored object
 * @param key               the key of the stored object: a Matroska file that plays alone
 */
public record FragmentEntry(String stream, long fragmentTimecode, long producerTimestamp, long serverTimestamp,
                            long durationMillis, long size, int headerLength, String bucket, String key) {
}
