package io.runnel.video.mkv;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts a Matroska byte stream, as it arrives, into fragments that each open on a key frame, with the stream header
 * they need to be played alone: a Cluster that opens on a key frame begins a fragment, and the Clusters after it
 * that do not (a muxer writing to a pipe closes Clusters by size and time, not only at key frames) join it. Clusters of known size (ffmpeg) and of unknown size (live producers, which end a Cluster by
 * starting the next) are both taken; a new EBML header starts a new stream, as a restarted producer sends. Not
 * thread-safe: one per connection.
 */
public final class MkvFragmenter {

    /** The largest fragment Kinesis Video Streams takes. */
    public static final int MAX_FRAGMENT_BYTES = 50 * 1024 * 1024;
    /** Info and Tracks are small; anything larger is not a header. */
    private static final int MAX_HEADER_ELEMENT_BYTES = 1024 * 1024;
    private static final byte[] SEGMENT_OF_UNKNOWN_SIZE = {0x18, 0x53, (byte) 0x80, 0x67, 0x01, -1, -1, -1, -1, -1, -1, -1};
    private static final long NANOS_PER_MILLI = 1_000_000;

    /** What a fed chunk of bytes made known. */
    public sealed interface Event {
    }

    /** A fragment has begun arriving (its first Cluster is in); its timecode is known. */
    public record Started(long timecode) implements Event {
    }

    /** A fragment has arrived whole. */
    public record Complete(Fragment fragment) implements Event {
    }

    /** The bytes are not Matroska, or make a fragment too large: the fragmenter takes no more. Always the last event. */
    public record Refused(MkvException error) implements Event {
    }

    private enum State { TOP, SEGMENT, CLUSTER }

    private byte[] buf = new byte[64 * 1024];
    private int start;
    private int end;
    private long skip;
    private State state = State.TOP;
    private byte[] ebmlHeader;
    private byte[] info;
    private byte[] tracks;
    private Tracks trackTypes = Tracks.NONE;
    private long timecodeScale = NANOS_PER_MILLI;
    /** A Cluster of unknown size, as far as it has come. */
    private final ByteArrayOutputStream cluster = new ByteArrayOutputStream();
    /** Clusters of the fragment under way: the first opens on a key frame (or the stream began without one). */
    private final ByteArrayOutputStream group = new ByteArrayOutputStream();
    private byte[] groupHeader;
    private long groupTimecode;
    private long groupEnd = Long.MIN_VALUE;
    private boolean groupOnKeyFrame;
    private boolean failed;

    /** The fragments of a whole Matroska stream held in memory; refused bytes end it. */
    public static List<Fragment> split(byte[] matroska) {
        MkvFragmenter fragmenter = new MkvFragmenter();
        List<Event> events = new ArrayList<>(fragmenter.feed(matroska, 0, matroska.length));
        events.addAll(fragmenter.end());
        return events.stream().filter(e -> e instanceof Complete).map(e -> ((Complete) e).fragment()).toList();
    }

    /**
     * Takes the next bytes of the stream: what they complete, and {@link Refused} last if they are not Matroska.
     *
     * @throws IllegalStateException when the stream was refused before
     */
    public List<Event> feed(byte[] data, int offset, int length) {
        if (failed) {
            throw new IllegalStateException("the stream has already been refused");
        }
        append(data, offset, length);
        List<Event> events = new ArrayList<>();
        try {
            while (step(events)) {
                // each step consumes an element, or a part of one being skipped
            }
        } catch (MkvException e) {
            failed = true;
            flushQuietly(events);
            events.add(new Refused(e));
        }
        return events;
    }

    /**
     * The producer went away: the fragment under way ends with the last whole Cluster it sent. The fragmenter takes
     * no more.
     */
    public List<Event> abandon() {
        List<Event> events = new ArrayList<>();
        if (!failed) {
            failed = true;
            flushQuietly(events);
        }
        return events;
    }

    private void flushQuietly(List<Event> events) {
        try {
            flush(events);
        } catch (MkvException e) {
            // the Clusters held are whole and were read once already; nothing more to keep
        }
    }

    /** The stream has ended: completes a Cluster of unknown size, or refuses a stream that ended inside an element. */
    public List<Event> end() {
        List<Event> events = new ArrayList<>();
        if (failed) {
            return events;
        }
        failed = true;
        if (skip > 0 || start < end) {
            flushQuietly(events);
            events.add(new Refused(new MkvException("the stream ended inside an element, "
                    + (skip + end - start) + " bytes short or left over")));
            return events;
        }
        try {
            if (state == State.CLUSTER) {
                cluster(cluster.toByteArray(), events);
            }
            flush(events);
        } catch (MkvException e) {
            events.add(new Refused(e));
        }
        return events;
    }

    /** Whether a fragment has begun arriving and not yet completed. */
    public boolean inFragment() {
        return group.size() > 0 || state == State.CLUSTER || skip > 0 || start < end;
    }

    private boolean step(List<Event> events) {
        if (skip > 0) {
            int n = (int) Math.min(skip, end - start);
            start += n;
            skip -= n;
            return n > 0 && start < end;
        }
        Ebml.Header h = Ebml.header(buf, start, end);
        if (h == null) {
            return false;
        }
        return switch (state) {
            case TOP -> top(h);
            case SEGMENT -> segment(h, events);
            case CLUSTER -> clusterChild(h, events);
        };
    }

    private boolean top(Ebml.Header h) {
        if (h.id() == Ebml.EBML_HEADER) {
            byte[] whole = whole(h, MAX_HEADER_ELEMENT_BYTES);
            if (whole != null) {
                ebmlHeader = whole;
            }
            return whole != null;
        }
        if (h.id() == Ebml.SEGMENT) {
            if (ebmlHeader == null) {
                throw new MkvException("a Segment before any EBML header");
            }
            start += h.length();
            state = State.SEGMENT;
            info = null;
            tracks = null;
            return true;
        }
        if (h.id() == Ebml.VOID && h.sizeKnown()) {
            return skip(h);
        }
        throw new MkvException("expected an EBML header or a Segment, found element 0x" + Integer.toHexString(h.id()));
    }

    private boolean segment(Ebml.Header h, List<Event> events) {
        int id = h.id();
        if (id == Ebml.EBML_HEADER || id == Ebml.SEGMENT) {
            flush(events);
            state = State.TOP;
            return true;
        }
        if (!Ebml.isSegmentChild(id) && id != Ebml.VOID && id != Ebml.CRC32) {
            throw new MkvException("element 0x" + Integer.toHexString(id) + " is no child of a Segment");
        }
        if (id == Ebml.CLUSTER) {
            if (tracks == null) {
                throw new MkvException("a Cluster before the Tracks element");
            }
            if (!h.sizeKnown()) {
                cluster.reset();
                cluster.write(buf, start, h.length());
                start += h.length();
                state = State.CLUSTER;
                return true;
            }
            if (h.size() > MAX_FRAGMENT_BYTES) {
                throw tooLarge(h.size());
            }
            byte[] whole = whole(h, MAX_FRAGMENT_BYTES);
            if (whole == null) {
                return false;
            }
            cluster(whole, events);
            return true;
        }
        if (!h.sizeKnown()) {
            throw new MkvException("element 0x" + Integer.toHexString(id) + " of unknown size");
        }
        if (id == Ebml.INFO || id == Ebml.TRACKS) {
            byte[] whole = whole(h, MAX_HEADER_ELEMENT_BYTES);
            if (whole == null) {
                return false;
            }
            if (id == Ebml.INFO) {
                info = whole;
                timecodeScale = timecodeScale(whole, h.length());
            } else {
                tracks = whole;
                trackTypes = Tracks.read(whole, h.length(), whole.length);
            }
            return true;
        }
        return skip(h);
    }

    private boolean clusterChild(Ebml.Header h, List<Event> events) {
        int id = h.id();
        if (Ebml.isSegmentChild(id) || id == Ebml.EBML_HEADER || id == Ebml.SEGMENT) {
            byte[] done = cluster.toByteArray();
            cluster.reset();
            state = State.SEGMENT;
            cluster(done, events);
            return true;
        }
        if (!h.sizeKnown()) {
            throw new MkvException("element 0x" + Integer.toHexString(id) + " of unknown size in a Cluster");
        }
        long total = h.length() + h.size();
        if (cluster.size() + total > MAX_FRAGMENT_BYTES) {
            throw tooLarge(cluster.size() + total);
        }
        if (end - start < total) {
            ensureCapacity(total);
            return false;
        }
        cluster.write(buf, start, (int) total);
        start += (int) total;
        return true;
    }

    /** A whole Cluster: it begins a fragment if it opens on a key frame, else it joins the one under way. */
    private void cluster(byte[] bytes, List<Event> events) {
        ClusterSummary summary = ClusterSummary.read(bytes, trackTypes);
        if (group.size() > 0 && (summary.startsOnKeyFrame() || group.size() + (long) bytes.length > MAX_FRAGMENT_BYTES)) {
            flush(events);
        }
        if (group.size() == 0) {
            groupHeader = header();
            groupTimecode = summary.timecode();
            groupOnKeyFrame = summary.startsOnKeyFrame();
            events.add(new Started(summary.timecode()));
        }
        group.writeBytes(bytes);
        groupEnd = Math.max(groupEnd, summary.timecode() + summary.duration());
    }

    private void flush(List<Event> events) {
        if (group.size() == 0) {
            return;
        }
        long duration = Math.max(0, groupEnd - groupTimecode);
        events.add(new Complete(new Fragment(groupHeader, group.toByteArray(), groupTimecode, millis(groupTimecode), millis(duration),
                groupOnKeyFrame)));
        group.reset();
        groupEnd = Long.MIN_VALUE;
    }

    private byte[] header() {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.writeBytes(ebmlHeader);
        header.writeBytes(SEGMENT_OF_UNKNOWN_SIZE);
        if (info != null) {
            header.writeBytes(info);
        }
        header.writeBytes(tracks);
        return header.toByteArray();
    }

    private long millis(long timecodeUnits) {
        try {
            return Math.multiplyExact(timecodeUnits, timecodeScale) / NANOS_PER_MILLI;
        } catch (ArithmeticException e) {
            throw new MkvException("a timecode of " + timecodeUnits + " units of " + timecodeScale + " ns is beyond any date");
        }
    }

    private static long timecodeScale(byte[] infoElement, int dataStart) {
        for (int p = dataStart; p < infoElement.length; ) {
            Ebml.Header f = Tracks.complete(infoElement, p, infoElement.length);
            if (f.id() == Ebml.TIMECODE_SCALE) {
                long scale = Ebml.uint(infoElement, p + f.length(), (int) f.size());
                if (scale <= 0) {
                    throw new MkvException("a TimecodeScale of " + scale);
                }
                return scale;
            }
            p += f.length() + (int) f.size();
        }
        return NANOS_PER_MILLI;
    }

    private static MkvException tooLarge(long size) {
        return new MkvException(MkvException.Reason.FRAGMENT_TOO_LARGE,
                "a fragment of " + size + " bytes; at most " + MAX_FRAGMENT_BYTES + " are taken");
    }

    /** The whole element under {@code h}, consumed, or null until all of it has arrived. */
    private byte[] whole(Ebml.Header h, int limit) {
        if (!h.sizeKnown() || h.size() > limit) {
            throw new MkvException("element 0x" + Integer.toHexString(h.id()) + " of "
                    + (h.sizeKnown() ? h.size() + " bytes" : "unknown size") + " where at most " + limit + " are taken");
        }
        long total = h.length() + h.size();
        if (end - start < total) {
            ensureCapacity(total);
            return null;
        }
        byte[] element = Arrays.copyOfRange(buf, start, start + (int) total);
        start += (int) total;
        return element;
    }

    private boolean skip(Ebml.Header h) {
        start += h.length();
        skip = h.size();
        return true;
    }

    private void append(byte[] data, int offset, int length) {
        if (end + length > buf.length) {
            compact();
            ensureCapacity(end - start + (long) length);
        }
        System.arraycopy(data, offset, buf, end, length);
        end += length;
    }

    private void compact() {
        if (start > 0) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
        }
    }

    private void ensureCapacity(long needed) {
        compact();
        if (needed > buf.length) {
            buf = Arrays.copyOf(buf, (int) Math.max(needed, Math.min(2L * buf.length, MAX_FRAGMENT_BYTES + 64L)));
        }
    }
}
