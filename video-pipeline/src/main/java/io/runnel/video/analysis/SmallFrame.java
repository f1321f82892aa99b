package io.runnel.video.analysis;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.Serializable;

/**
 * A frame reduced to what the analysis looks at: a small RGB image (interleaved, 8 bits a channel) and its time.
 * Small enough to keep the last one in Flink state.
 */
public record SmallFrame(long timeMs, int width, int height, byte[] rgb) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The frame as an image (to write as a thumbnail, for instance). */
    public BufferedImage image() {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < rgb.length; i += 3) {
            bgr[i] = rgb[i + 2];
            bgr[i + 1] = rgb[i + 1];
            bgr[i + 2] = rgb[i];
        }
        return image;
    }

    public int luma(int x, int y) {
        int i = 3 * (y * width + x);
        return (77 * (rgb[i] & 0xFF) + 150 * (rgb[i + 1] & 0xFF) + 29 * (rgb[i + 2] & 0xFF)) >> 8;
    }

    /** The frame's brightness, a byte a pixel, row by row. */
    public byte[] lumaPlane() {
        byte[] plane = new byte[width * height];
        for (int i = 0; i < plane.length; i++) {
            plane[i] = (byte) ((77 * (rgb[3 * i] & 0xFF) + 150 * (rgb[3 * i + 1] & 0xFF) + 29 * (rgb[3 * i + 2] & 0xFF)) >> 8);
        }
        return plane;
    }

    /** The frame at half the size, each pixel the mean of four. */
    public SmallFrame half() {
        int w = width / 2;
        int h = height / 2;
        byte[] out = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    int sum = (rgb[3 * ((2 * y) * width + 2 * x) + c] & 0xFF) + (rgb[3 * ((2 * y) * width + 2 * x + 1) + c] & 0xFF)
                            + (rgb[3 * ((2 * y + 1) * width + 2 * x) + c] & 0xFF) + (rgb[3 * ((2 * y + 1) * width + 2 * x + 1) + c] & 0xFF);
                    out[3 * (y * w + x) + c] = (byte) ((sum + 2) >> 2);
                }
            }
        }
        return new SmallFrame(timeMs, w, h, out);
    }

    public double meanLuma() {
        long sum = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                sum += luma(x, y);
            }
        }
        return (double) sum / (width * height);
    }

    /** A colour histogram of 4 levels a channel (64 bins), summing to 1. */
    public double[] histogram() {
        double[] h = new double[64];
        int n = width * height;
        for (int i = 0; i < n; i++) {
            h[bin(rgb[3 * i] & 0xFF, rgb[3 * i + 1] & 0xFF, rgb[3 * i + 2] & 0xFF)] += 1.0 / n;
        }
        return h;
    }

    /** The histogram bin of a colour: 4 levels a channel. */
    static int bin(int r, int g, int b) {
        return (r >> 6) << 4 | (g >> 6) << 2 | b >> 6;
    }

    /** The mean absolute difference of two frames' channels, 0 to 255. */
    public static double meanDifference(SmallFrame a, SmallFrame b) {
        long sum = 0;
        for (int i = 0; i < a.rgb.length; i++) {
            sum += Math.abs((a.rgb[i] & 0xFF) - (b.rgb[i] & 0xFF));
        }
        return (double) sum / a.rgb.length;
    }

    /** Half the L1 distance of two histograms: 0 for the same colours, 1 for none in common. */
    public static double distance(double[] a, double[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d += Math.abs(a[i] - b[i]);
        }
        return d / 2;
    }
}
