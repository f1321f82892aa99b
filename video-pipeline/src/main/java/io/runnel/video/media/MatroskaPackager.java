package io.runnel.video.media;

import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.FrameRecorder;

import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Turns a video file or a camera into the Matroska PutMedia takes: H.264 video is copied as it is, a Cluster from
 * each key frame to the next, anything else is encoded to H.264 with a key frame every second. Audio is
 * left out: Runnel's fragments carry the video track.
 */
public final class MatroskaPackager {

    /**
     * @param source   a file, a device such as {@code /dev/video0}, or any input FFmpeg reads
     * @param format   FFmpeg's input format (such as {@code v4l2}), or null to let it guess
     * @param realTime send no faster than the video plays, as a camera would
     */
    public record Source(String source, String format, boolean realTime) {
    }

    /** What was sent. */
    public record Sent(long packets, boolean copied) {
    }

    static {
        FFmpegLogging.quiet();
    }

    private MatroskaPackager() {
    }

    /** Writes the source as Matroska to {@code out} until it ends or the thread is interrupted; does not close {@code out}. */
    public static Sent write(Source source, OutputStream out) throws FrameGrabber.Exception, FrameRecorder.Exception {
        FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(source.source());
        if (source.format() != null) {
            grabber.setFormat(source.format());
        }
        grabber.start();
        FFmpegFrameRecorder recorder = null;
        try {
            boolean copy = grabber.getVideoCodec() == avcodec.AV_CODEC_ID_H264;
            recorder = new FFmpegFrameRecorder(out, grabber.getImageWidth(), grabber.getImageHeight(), 0);
            recorder.setFormat("matroska");
            // To a stream, FFmpeg closes a Cluster every 32 KB or second unless told otherwise; at key frames only is what
            // Kinesis Video producers send.
            recorder.setOption("cluster_size_limit", Integer.toString(16 * 1024 * 1024));
            recorder.setOption("cluster_time_limit", "10000");
            long packets = 0;
            long startNanos = System.nanoTime();
            if (copy) {
                recorder.start(grabber.getFormatContext());
                int video = grabber.getVideoStream();
                AVPacket packet;
                while (!Thread.currentThread().isInterrupted() && (packet = grabber.grabPacket()) != null) {
                    if (packet.stream_index() != video) {
                        continue;
                    }
                    if (source.realTime()) {
                        pace(startNanos, micros(packet, grabber));
                    }
                    recorder.recordPacket(packet);
                    packets++;
                }
            } else {
                double rate = grabber.getFrameRate() > 0 ? grabber.getFrameRate() : 25;
                recorder.setVideoCodec(avcodec.AV_CODEC_ID_H264);
                recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
                recorder.setFrameRate(rate);
                recorder.setGopSize((int) Math.max(1, Math.round(rate)));
                recorder.start();
                Frame frame;
                while (!Thread.currentThread().isInterrupted() && (frame = grabber.grabImage()) != null) {
                    if (source.realTime()) {
                        pace(startNanos, frame.timestamp);
                    }
                    recorder.record(frame);
                    packets++;
                }
            }
            recorder.stop();
            return new Sent(packets, copy);
        } finally {
            if (recorder != null) {
                recorder.release();
            }
            grabber.stop();
            grabber.release();
        }
    }

    private static long micros(AVPacket packet, FFmpegFrameGrabber grabber) {
        long ts = packet.pts() != avutil.AV_NOPTS_VALUE ? packet.pts() : packet.dts();
        var timeBase = grabber.getFormatContext().streams(packet.stream_index()).time_base();
        return ts * 1_000_000L * timeBase.num() / timeBase.den();
    }

    /** Waits until the media time has come, as a live source would deliver it. */
    private static void pace(long startNanos, long mediaMicros) {
        long due = startNanos + TimeUnit.MICROSECONDS.toNanos(mediaMicros);
        for (long wait = due - System.nanoTime(); wait > 0 && !Thread.currentThread().isInterrupted(); wait = due - System.nanoTime()) {
            LockSupport.parkNanos(wait);
        }
    }
}
