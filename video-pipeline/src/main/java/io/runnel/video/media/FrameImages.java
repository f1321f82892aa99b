package io.runnel.video.media;

import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.Java2DFrameConverter;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Frames of a stored fragment decoded by FFmpeg and written as JPEG or PNG images, as GetImages returns them. */
public final class FrameImages {

    /** How an image is written: JPEG (with a quality of 1 to 100) or PNG, at a size or the frame's own. */
    public record Format(boolean jpeg, int quality, Integer width, Integer height) {
    }

    /**
     * The image of the first frame at or after {@code wanted}, or null when the fragment has none there, or when it
     * could not be decoded at all ({@code mediaError}).
     */
    public record Sample(long wanted, long frameMillis, byte[] image, boolean mediaError) {
        public static Sample undecodable(long wanted) {
            return new Sample(wanted, -1, null, true);
        }
    }

    static {
        FFmpegLogging.quiet();
    }

    private FrameImages() {
    }

    /**
     * Images of the frames at the wanted times.
     *
     * @param startMillis where the fragment starts, on the clock the wanted times are on
     * @param wanted      times in milliseconds, ascending
     */
    public static List<Sample> sample(byte[] fragment, long startMillis, List<Long> wanted, Format format) {
        List<Sample> samples = new ArrayList<>();
        if (wanted.isEmpty()) {
            return samples;
        }
        FFmpegFrameGrabber grabber = null;
        try (Java2DFrameConverter converter = new Java2DFrameConverter()) {
            grabber = Remuxer.open(fragment);
            long firstMicros = Long.MIN_VALUE;
            int next = 0;
            Frame frame;
            while (next < wanted.size() && (frame = grabber.grabImage()) != null) {
                if (firstMicros == Long.MIN_VALUE) {
                    firstMicros = frame.timestamp;
                }
                long at = startMillis + (frame.timestamp - firstMicros) / 1000;
                if (at < wanted.get(next)) {
                    continue;
                }
                byte[] image = write(converter.convert(frame), format);
                while (next < wanted.size() && wanted.get(next) <= at) {
                    samples.add(new Sample(wanted.get(next), at, image, false));
                    next++;
                }
            }
            for (; next < wanted.size(); next++) {
                samples.add(new Sample(wanted.get(next), -1, null, false));
            }
            return samples;
        } catch (FrameGrabber.Exception e) {
            throw new IllegalArgumentException("FFmpeg could not decode the fragment: " + e.getMessage(), e);
        } finally {
            if (grabber != null) {
                Remuxer.close(grabber);
            }
        }
    }

    private static byte[] write(BufferedImage frame, Format format) {
        BufferedImage image = scaled(frame, format.width(), format.height());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!format.jpeg()) {
                ImageIO.write(image, "png", out);
                return out.toByteArray();
            }
            return jpeg(image, format.quality());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An image as JPEG, at a quality from 1 to 100. */
    public static byte[] jpeg(BufferedImage image, int quality) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality / 100f);
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** The frame stretched to the size asked for, or as it is. */
    private static BufferedImage scaled(BufferedImage frame, Integer width, Integer height) {
        if (width == null || height == null) {
            return frame;
        }
        int w = width;
        int h = height;
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(frame, 0, 0, w, h, null);
        g.dispose();
        return out;
    }
}
