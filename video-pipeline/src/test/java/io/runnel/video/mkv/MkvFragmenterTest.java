package io.runnel.video.mkv;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MkvFragmenterTest {

    /** A stream of 25 fps video in clusters of {@code frames} frames, each opening on a key frame. */
    private static byte[] stream(int clusters, int frames, boolean unknownSizes, List<byte[]> clusterBytes) {
        return stream(clusters, frames, unknownSizes, clusterBytes, java.util.Set.of());
    }

    /** The same, but the clusters numbered in {@code withoutKeyFrame} open on a frame that is not a key frame. */
    private static byte[] stream(int clusters, int frames, boolean unknownSizes, List<byte[]> clusterBytes, java.util.Set<Integer> withoutKeyFrame) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream ebml = new ByteArrayOutputStream();
        Ebml.writeString(ebml, 0x4282, "matroska");
        Ebml.writeElement(out, Ebml.EBML_HEADER, ebml.toByteArray());
        Ebml.writeId(out, Ebml.SEGMENT);
        Ebml.writeSize(out, Ebml.UNKNOWN_SIZE);
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        Ebml.writeUint(info, Ebml.TIMECODE_SCALE, 1_000_000);
        Ebml.writeElement(out, Ebml.INFO, info.toByteArray());
        ByteArrayOutputStream entry = new ByteArrayOutputStream();
        Ebml.writeUint(entry, Ebml.TRACK_NUMBER, 1);
        Ebml.writeUint(entry, Ebml.TRACK_TYPE, 1);
        Ebml.writeString(entry, Ebml.CODEC_ID, "V_MPEG4/ISO/AVC");
        ByteArrayOutputStream tracks = new ByteArrayOutputStream();
        Ebml.writeElement(tracks, Ebml.TRACK_ENTRY, entry.toByteArray());
        Ebml.writeElement(out, Ebml.TRACKS, tracks.toByteArray());
        for (int c = 0; c < clusters; c++) {
            ByteArrayOutputStream children = new ByteArrayOutputStream();
            // As ffmpeg writes them: a CRC-32 first, then the Timecode.
            Ebml.writeElement(children, Ebml.CRC32, new byte[4]);
            Ebml.writeUint(children, Ebml.TIMECODE, 1000L * c);
            for (int f = 0; f < frames; f++) {
                byte[] block = new byte[4 + 100 + f];
                block[0] = (byte) 0x81;
                block[1] = (byte) ((40 * f) >> 8);
                block[2] = (byte) (40 * f);
                block[3] = (byte) (f == 0 && !withoutKeyFrame.contains(c) ? 0x80 : 0);
                Ebml.writeElement(children, Ebml.SIMPLE_BLOCK, block);
            }
            ByteArrayOutputStream cluster = new ByteArrayOutputStream();
            Ebml.writeId(cluster, Ebml.CLUSTER);
            Ebml.writeSize(cluster, unknownSizes ? Ebml.UNKNOWN_SIZE : children.size());
            cluster.writeBytes(children.toByteArray());
            clusterBytes.add(cluster.toByteArray());
            out.writeBytes(cluster.toByteArray());
        }
        return out.toByteArray();
    }

    private static List<MkvFragmenter.Event> feedInPieces(MkvFragmenter fragmenter, byte[] bytes, long seed) {
        Random random = new Random(seed);
        List<MkvFragmenter.Event> events = new ArrayList<>();
        for (int pos = 0; pos < bytes.length; ) {
            int n = Math.min(bytes.length - pos, 1 + random.nextInt(700));
            events.addAll(fragmenter.feed(bytes, pos, n));
            pos += n;
        }
        events.addAll(fragmenter.end());
        return events;
    }

    private static List<Fragment> fragments(List<MkvFragmenter.Event> events) {
        return events.stream().filter(e -> e instanceof MkvFragmenter.Complete)
                .map(e -> ((MkvFragmenter.Complete) e).fragment()).toList();
    }

    @Test
    void clustersOfKnownAndUnknownSizeComeOutByteForByte() {
        for (boolean unknown : new boolean[]{false, true}) {
            List<byte[]> sent = new ArrayList<>();
            byte[] bytes = stream(4, 25, unknown, sent);
            List<MkvFragmenter.Event> events = feedInPieces(new MkvFragmenter(), bytes, unknown ? 1 : 2);
            List<Fragment> fragments = fragments(events);
            assertThat(fragments).hasSize(4);
            for (int i = 0; i < 4; i++) {
                Fragment f = fragments.get(i);
                assertThat(f.cluster()).isEqualTo(sent.get(i));
                assertThat(f.timecode()).isEqualTo(1000L * i);
                assertThat(f.timecodeMillis()).isEqualTo(1000L * i);
                assertThat(f.durationMillis()).isEqualTo(1000);
                assertThat(f.startsOnKeyFrame()).isTrue();
                // A fragment alone is a stream the fragmenter reads back as the same fragment.
                List<Fragment> again = fragments(feedInPieces(new MkvFragmenter(), f.bytes(), i));
                assertThat(again).hasSize(1);
                assertThat(again.get(0).cluster()).isEqualTo(sent.get(i));
            }
            // Each fragment is announced before it completes, with its timecode.
            List<Long> started = events.stream().filter(e -> e instanceof MkvFragmenter.Started)
                    .map(e -> ((MkvFragmenter.Started) e).timecode()).toList();
            assertThat(started).containsExactly(0L, 1000L, 2000L, 3000L);
        }
    }

    @Test
    void aRestartedProducersNewHeaderStartsANewStream() {
        List<byte[]> sent = new ArrayList<>();
        byte[] first = stream(2, 5, true, sent);
        byte[] second = stream(2, 5, false, sent);
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        List<Fragment> fragments = fragments(feedInPieces(new MkvFragmenter(), both, 3));
        assertThat(fragments).extracting(Fragment::cluster).containsExactlyElementsOf(sent);
    }

    private static MkvException refusal(List<MkvFragmenter.Event> events) {
        assertThat(events).last().isInstanceOf(MkvFragmenter.Refused.class);
        return ((MkvFragmenter.Refused) events.get(events.size() - 1)).error();
    }

    @Test
    void bytesThatAreNotMatroskaAreRefusedAfterTheFragmentsBeforeThem() {
        List<byte[]> sent = new ArrayList<>();
        byte[] good = stream(2, 5, false, sent);
        byte[] garbage = "GET / HTTP/1.1\r\nthis is no video".getBytes();
        assertThat(refusal(new MkvFragmenter().feed(garbage, 0, garbage.length)).getMessage()).contains("EBML header");

        byte[] both = Arrays.copyOf(good, good.length + garbage.length);
        System.arraycopy(garbage, 0, both, good.length, garbage.length);
        MkvFragmenter fragmenter = new MkvFragmenter();
        List<MkvFragmenter.Event> events = fragmenter.feed(both, 0, both.length);
        assertThat(fragments(events)).extracting(Fragment::cluster).containsExactlyElementsOf(sent);
        assertThat(refusal(events).reason()).isEqualTo(MkvException.Reason.INVALID_DATA);
        assertThatThrownBy(() -> fragmenter.feed(good, 0, 10)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aStreamCutOffInsideAClusterIsRefusedAndTheClustersBeforeItKept() {
        List<byte[]> sent = new ArrayList<>();
        byte[] bytes = stream(3, 10, false, sent);
        MkvFragmenter fragmenter = new MkvFragmenter();
        List<MkvFragmenter.Event> events = new ArrayList<>(fragmenter.feed(bytes, 0, bytes.length - 50));
        assertThat(fragmenter.inFragment()).isTrue();
        List<MkvFragmenter.Event> ended = fragmenter.end();
        assertThat(refusal(ended).getMessage()).contains("ended inside an element");
        events.addAll(ended);
        assertThat(fragments(events)).extracting(Fragment::cluster).containsExactly(sent.get(0), sent.get(1));
    }

    @Test
    void aClusterThatDoesNotOpenOnAKeyFrameJoinsTheFragmentBeforeIt() {
        List<byte[]> sent = new ArrayList<>();
        byte[] bytes = stream(4, 10, false, sent, java.util.Set.of(2));
        List<Fragment> fragments = fragments(feedInPieces(new MkvFragmenter(), bytes, 5));
        byte[] joined = Arrays.copyOf(sent.get(1), sent.get(1).length + sent.get(2).length);
        System.arraycopy(sent.get(2), 0, joined, sent.get(1).length, sent.get(2).length);
        assertThat(fragments).extracting(Fragment::cluster).containsExactly(sent.get(0), joined, sent.get(3));
        assertThat(fragments).extracting(Fragment::timecode).containsExactly(0L, 1000L, 3000L);
        // From its first frame to the end of the joined cluster's last (ten frames of 40 ms from 2000 ms).
        assertThat(fragments.get(1).durationMillis()).isEqualTo(1400);
        assertThat(fragments).allMatch(Fragment::startsOnKeyFrame);

        // A producer that goes away keeps the fragment under way as far as its last whole Cluster.
        MkvFragmenter abandoned = new MkvFragmenter();
        List<MkvFragmenter.Event> events = new ArrayList<>(abandoned.feed(bytes, 0, bytes.length - 20));
        events.addAll(abandoned.abandon());
        assertThat(fragments(events)).extracting(Fragment::cluster).containsExactly(sent.get(0), joined);
    }

    @Test
    void aClusterBeyondFiftyMegabytesIsRefusedAsTooLarge() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<byte[]> sent = new ArrayList<>();
        byte[] head = stream(0, 0, false, sent);
        out.writeBytes(head);
        Ebml.writeId(out, Ebml.CLUSTER);
        Ebml.writeSize(out, MkvFragmenter.MAX_FRAGMENT_BYTES + 1L);
        byte[] bytes = out.toByteArray();
        assertThat(refusal(new MkvFragmenter().feed(bytes, 0, bytes.length)).reason()).isEqualTo(MkvException.Reason.FRAGMENT_TOO_LARGE);
    }
}
