package io.runnel.video.media;

import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.FrameRecorder;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Stored fragments (Matroska files that play alone) repackaged, never re-encoded, by FFmpeg: into MPEG-TS and
 * fragmented-MP4 segments for HLS, and into one MP4 for a clip. Timestamps stay those the producer sent.
 */
public final class Remuxer {

    /** The parts of a fragmented MP4: the initialization segment (ftyp, moov) and the media segment (moof, mdat). */
    public record FragmentedMp4(byte[] init, byte[] media) {
    }

    private Remuxer() {
    }

    static {
        FFmpegLogging.quiet();
    }

    /** A fragment as an MPEG-TS segment. */
    public static byte[] transportStream(byte[] fragment) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(fragment.length + fragment.length / 8);
        remux(List.of(fragment), false, first -> recorder(new FFmpegFrameRecorder(out, first.getImageWidth(), first.getImageHeight(),
                first.getAudioChannels()), "mpegts", null));
        return out.toByteArray();
    }

    /** A fragment as fragmented MP4, its decode time where the producer's timecodes put it. */
    public static FragmentedMp4 fragmentedMp4(byte[] fragment) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(fragment.length + 4096);
        long firstDtsMillis = remux(List.of(fragment), false, first -> recorder(new FFmpegFrameRecorder(out, first.getImageWidth(),
                first.getImageHeight(), first.getAudioChannels()), "mp4", "frag_keyframe+empty_moov+default_base_moof"));
        byte[] all = out.toByteArray();
        int moof = Mp4Boxes.find(all, 0, all.length, "moof");
        if (moof < 0) {
            throw new IllegalArgumentException("the fragment made no MP4 fragment");
        }
        byte[] init = java.util.Arrays.copyOf(all, moof);
        byte[] media = java.util.Arrays.copyOfRange(all, moof, all.length);
        long timescale = Mp4Boxes.videoTimescale(init);
        Mp4Boxes.shiftDecodeTimes(media, Math.multiplyExact(firstDtsMillis, timescale) / 1000);
        return new FragmentedMp4(init, media);
    }

    /** Fragments, in order, as one MP4 file: written to a file, as MP4 puts its index at the end. */
    public static void mp4(List<byte[]> fragments, Path target) throws IOException {
        Path partial = target.resolveSibling(target.getFileName() + ".part");
        try {
            remux(fragments, true, first -> recorder(new FFmpegFrameRecorder(partial.toFile(), first.getImageWidth(), first.getImageHeight(),
                    first.getAudioChannels()), "mp4", null));
            Files.move(partial, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    private static FFmpegFrameRecorder recorder(FFmpegFrameRecorder recorder, String format, String movflags) {
        recorder.setFormat(format);
        if (movflags != null) {
            recorder.setOption("movflags", movflags);
        }
        return recorder;
    }

    /**
     * Copies the packets of every fragment, in order, into the recorder made for the first.
     *
     * @param fromZero whether the output's time starts at zero (a file) or where the producer's timecodes put it (a segment)
     * @return the decode time of the first packet, in milliseconds on the producer's timecodes
     */
    private static long remux(List<byte[]> fragments, boolean fromZero, java.util.function.Function<FFmpegFrameGrabber, FFmpegFrameRecorder> output) {
        List<FFmpegFrameGrabber> open = new ArrayList<>();
        FFmpegFrameRecorder recorder = null;
        long first = Long.MIN_VALUE;
        long lastDts = Long.MIN_VALUE;
        long shift = 0;
        try {
            for (byte[] fragment : fragments) {
                FFmpegFrameGrabber grabber = open(fragment);
                open.add(grabber);
                if (recorder == null) {
                    recorder = output.apply(grabber);
                    // The first grabber stays open until the end: the recorder reads its streams' time bases.
                    recorder.start(grabber.getFormatContext());
                }
                AVPacket packet;
                boolean firstOfFragment = true;
                while ((packet = grabber.grabPacket()) != null) {
                    long dts = packet.dts() != avutil.AV_NOPTS_VALUE ? packet.dts() : packet.pts();
                    if (first == Long.MIN_VALUE) {
                        first = dts;
                        shift = fromZero ? -dts : 0;
                    }
                    if (firstOfFragment && lastDts != Long.MIN_VALUE && dts + shift <= lastDts) {
                        // A later producer session starts its timecodes again: its fragments follow on.
                        shift = lastDts + Math.max(1, packet.duration()) - dts;
                    }
                    firstOfFragment = false;
                    if (shift != 0) {
                        packet.dts(packet.dts() == avutil.AV_NOPTS_VALUE ? packet.dts() : packet.dts() + shift);
                        packet.pts(packet.pts() == avutil.AV_NOPTS_VALUE ? packet.pts() : packet.pts() + shift);
                    }
                    lastDts = Math.max(lastDts, dts + shift);
                    recorder.recordPacket(packet);
                }
            }
            if (recorder == null) {
                throw new IllegalArgumentException("no fragments to repackage");
            }
            recorder.stop();
            return first == Long.MIN_VALUE ? 0 : first;
        } catch (FrameGrabber.Exception | FrameRecorder.Exception e) {
            throw new IllegalArgumentException("FFmpeg could not repackage the fragments: " + e.getMessage(), e);
        } finally {
            if (recorder != null) {
                try {
                    recorder.release();
                } catch (FrameRecorder.Exception e) {
                    // released as far as it could be
                }
            }
            for (FFmpegFrameGrabber g : open) {
                close(g);
            }
        }
    }

    static FFmpegFrameGrabber open(byte[] fragment) throws FrameGrabber.Exception {
        FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(new ByteArrayInputStream(fragment), 0);
        grabber.setFormat("matroska");
        grabber.start();
        return grabber;
    }

    static void close(FFmpegFrameGrabber grabber) {
        try {
            grabber.stop();
            grabber.release();
        } catch (FrameGrabber.Exception e) {
            // Its memory is freed as far as FFmpeg could; nothing the caller can do about the rest.
        }
    }
}
