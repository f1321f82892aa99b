package io.runnel.video.analysis;

import io.runnel.video.media.FFmpegLogging;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/** Decodes video with FFmpeg straight to the small frames the analysis reads (FFmpeg's scaler shrinks them). */
public final class Frames {

    /** The width of analysed frames (motion looks at these, shots at half of them); their height keeps the video's proportions. */
    public static final int WIDTH = 320;

    static {
        FFmpegLogging.quiet();
    }

    private Frames() {
    }

    /**
     * Decodes a stored fragment (a Matroska file that plays alone), giving each frame its time on the clock the
     * fragment starts at.
     *
     * @return the number of frames
     */
    public static int decode(byte[] fragment, long startMs, Consumer<SmallFrame> frames) {
        return decode(new FFmpegFrameGrabber(new ByteArrayInputStream(fragment), 0), "matroska", startMs, frames);
    }

    /** Decodes a whole video file, its first frame at time 0. */
    public static int decodeFile(String file, Consumer<SmallFrame> frames) {
        return decode(new FFmpegFrameGrabber(file), null, 0, frames);
    }

    private static int decode(FFmpegFrameGrabber grabber, String format, long startMs, Consumer<SmallFrame> frames) {
        try {
            if (format != null) {
                grabber.setFormat(format);
            }
            grabber.setPixelFormat(avutil.AV_PIX_FMT_RGB24);
            // One decoding thread: the job analyses one video stream a slot, and slots are cores.
            grabber.setVideoOption("threads", "1");
            // The analysis reads frames shrunk four or more times: the fastest scaler loses nothing it looks at.
            grabber.setImageScalingFlags(org.bytedeco.ffmpeg.global.swscale.SWS_FAST_BILINEAR);
            // Nor does it need H.264's deblocking filter, a fifth of decoding's time, whose effect shrinking removes.
            grabber.setVideoOption("skip_loop_filter", "all");
            grabber.start();
            int width = WIDTH;
            int height = Math.max(2, (int) Math.round((double) WIDTH * grabber.getImageHeight() / Math.max(1, grabber.getImageWidth())));
            grabber.setImageWidth(width);
            grabber.setImageHeight(height);
            long first = Long.MIN_VALUE;
            int n = 0;
            Frame frame;
            while ((frame = grabber.grabImage()) != null) {
                if (first == Long.MIN_VALUE) {
                    first = frame.timestamp;
                }
                frames.accept(new SmallFrame(startMs + (frame.timestamp - first) / 1000, frame.imageWidth, frame.imageHeight, rgb(frame)));
                n++;
            }
            return n;
        } catch (FrameGrabber.Exception e) {
            throw new IllegalArgumentException("FFmpeg could not decode the video: " + FFmpegLogging.describe(e), e);
        } finally {
            try {
                grabber.stop();
                grabber.release();
            } catch (FrameGrabber.Exception e) {
                // freed as far as FFmpeg could
            }
        }
    }

    private static byte[] rgb(Frame frame) {
        ByteBuffer image = (ByteBuffer) frame.image[0];
        int rowBytes = frame.imageWidth * 3;
        byte[] out = new byte[rowBytes * frame.imageHeight];
        for (int y = 0; y < frame.imageHeight; y++) {
            image.position(y * frame.imageStride);
            image.get(out, y * rowBytes, rowBytes);
        }
        image.rewind();
        return out;
    }
}
