package io.runnel.video.analysis;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds objects moving over a still scene. Each frame is compared with the one before, moved as the camera moved
 * (the shift and zoom that match them best); what still differs, if it is a compact part of the
 * and dense part of the frame, is an object moving. A pan is matched by the shift, and a zoom leaves small
 * differences scattered over the frame: neither is motion.
 */
public final class MotionDetector implements Serializable {

    private static final long serialVersionUID = 1L;
    /** Motion from {@code startMs} to {@code endMs} over an area of the small frames, in their pixels. */
    public record Motion(long startMs, long endMs, int x, int y, int width, int height) implements Serializable {
    }

    static final int DIFFERENT = 30;
    static final double MIN_CHANGED = 0.0005;
    static final double MAX_CHANGED = 0.15;
    static final double MAX_AREA = 0.35;
    /** An object changes much of the area it crosses; a zoom leaves a few pixels changed here and there. */
    static final double MIN_DENSITY = 0.12;
    /** Nor is a thin sliver along an edge an object: the codec leaves those where a whole frame changes. */
    static final int MIN_SIDE = 8;
    static final int MAX_GAP = 3;
    static final int MIN_FRAMES = 5;
    private static final int SEARCH = 6;
    /** Room for the largest shift, and the zoom, at the frame's edge. */
    private static final int MARGIN = 2 * SEARCH + 6;

    private byte[] previous;
    private int previousWidth;
    private int previousHeight;
    private long start = -1;
    private long lastMoving;
    private int frames;
    private int gap;
    private int x0;
    private int y0;
    private int x1;
    private int y1;
    private double changedSum;

    /** The fraction of the frame that changed in the last frame, after the camera's movement. */
    private double lastChanged;
    /** How the camera moved between the last two frames: a pan or a zoom goes on for many frames. */
    private Camera lastCamera = Camera.STILL;

    public List<Motion> accept(SmallFrame frame) {
        List<Motion> found = new ArrayList<>();
        byte[] luma = frame.lumaPlane();
        if (previous != null && previousWidth == frame.width() && previousHeight == frame.height()) {
            observe(frame.timeMs(), luma, frame.width(), frame.height(), found);
        }
        previous = luma;
        previousWidth = frame.width();
        previousHeight = frame.height();
        return found;
    }

    public List<Motion> finish() {
        List<Motion> found = new ArrayList<>();
        close(found);
        return found;
    }

    /** The fraction of the last frame that moved against the camera, for a shot's mean motion. */
    public double lastChanged() {
        return lastChanged;
    }

    private void observe(long timeMs, byte[] frame, int w, int h, List<Motion> found) {
        Camera camera = camera(previous, frame, w, h, lastCamera);
        lastCamera = camera;
        int[] mapX = camera.xs(w);
        int[] mapY = camera.ys(h);
        int changed = 0;
        int bx0 = Integer.MAX_VALUE;
        int by0 = Integer.MAX_VALUE;
        int bx1 = -1;
        int by1 = -1;
        for (int y = MARGIN; y < h - MARGIN; y++) {
            for (int x = MARGIN; x < w - MARGIN; x++) {
                if (differs(frame[y * w + x] & 0xFF, previous, w, mapX[x], mapY[y])) {
                    changed++;
                    bx0 = Math.min(bx0, x);
                    by0 = Math.min(by0, y);
                    bx1 = Math.max(bx1, x);
                    by1 = Math.max(by1, y);
                }
            }
        }
        double inner = (double) (w - 2 * MARGIN) * (h - 2 * MARGIN);
        double fraction = changed / inner;
        lastChanged = fraction;
        double box = (double) (bx1 - bx0 + 1) * (by1 - by0 + 1);
        boolean moving = fraction >= MIN_CHANGED && fraction <= MAX_CHANGED && box / inner <= MAX_AREA && changed / box >= MIN_DENSITY
                && Math.min(bx1 - bx0 + 1, by1 - by0 + 1) >= MIN_SIDE;
        if (moving) {
            if (start < 0) {
                start = timeMs;
                x0 = bx0;
                y0 = by0;
                x1 = bx1;
                y1 = by1;
                frames = 0;
                changedSum = 0;
            }
            x0 = Math.min(x0, bx0);
            y0 = Math.min(y0, by0);
            x1 = Math.max(x1, bx1);
            y1 = Math.max(y1, by1);
            lastMoving = timeMs;
            frames++;
            changedSum += fraction;
            gap = 0;
        } else if (start >= 0 && ++gap > MAX_GAP) {
            close(found);
        }
    }

    /**
     * Whether a pixel differs from every pixel around where it was: the camera moves by fractions of a pixel (a
     * slow pan, a zoom), which a whole-pixel shift leaves as small differences along every edge.
     */
    private static boolean differs(int luma, byte[] previous, int w, int x, int y) {
        if (Math.abs(luma - (previous[y * w + x] & 0xFF)) <= DIFFERENT) {
            return false; // most pixels: where the camera says it was
        }
        for (int dy = -1; dy <= 1; dy++) {
            int row = (y + dy) * w + x;
            for (int dx = -1; dx <= 1; dx++) {
                if (Math.abs(luma - (previous[row + dx] & 0xFF)) <= DIFFERENT) {
                    return false;
                }
            }
        }
        return true;
    }

    private void close(List<Motion> found) {
        if (start >= 0 && frames >= MIN_FRAMES) {
            found.add(new Motion(start, lastMoving, x0, y0, x1 - x0 + 1, y1 - y0 + 1));
        }
        start = -1;
        gap = 0;
    }

    /**
     * How the camera moved between two frames: a shift, and a zoom about the centre. A pixel at {@code (x, y)} of
     * the later frame was at {@code (xs[x], ys[y])} of the earlier.
     */
    record Camera(int dx, int dy, double scale) implements Serializable {
        static final Camera STILL = new Camera(0, 0, 1);

        int[] xs(int width) {
            return map(width, dx);
        }

        int[] ys(int height) {
            return map(height, dy);
        }

        private int[] map(int size, int shift) {
            int[] map = new int[size];
            for (int i = 0; i < size; i++) {
                map[i] = (int) Math.round(size / 2.0 + (i - size / 2.0 - shift) / scale);
            }
            return map;
        }
    }

    private static final double[] ZOOMS = {1, 0.994, 1.006, 0.988, 1.012};
    /** A mean difference below this, with the camera taken as still, means it is still: no search. */
    private static final double STILL = 3;

    /**
     * The camera's movement that matches the earlier frame to the later best: none, or the movement between the two
     * frames before, if that matches well; otherwise shifts searched on every fourth pixel, then refined with zooms
     * on every other.
     */
    static Camera camera(byte[] before, byte[] after, int w, int h, Camera last) {
        int samples = ((h - 2 * MARGIN + 1) / 2) * ((w - 2 * MARGIN + 1) / 2);
        if (cost(before, after, w, h, Camera.STILL, 2) < STILL * samples) {
            return Camera.STILL;
        }
        if (!last.equals(Camera.STILL) && cost(before, after, w, h, last, 2) < STILL * samples) {
            return last;
        }
        long best = Long.MAX_VALUE;
        Camera found = Camera.STILL;
        for (int dy = -2 * SEARCH; dy <= 2 * SEARCH; dy += 2) {
            for (int dx = -2 * SEARCH; dx <= 2 * SEARCH; dx += 2) {
                Camera c = new Camera(dx, dy, 1);
                long cost = cost(before, after, w, h, c, 4);
                if (cost < best) {
                    best = cost;
                    found = c;
                }
            }
        }
        Camera coarse = found;
        best = Long.MAX_VALUE;
        for (double zoom : ZOOMS) {
            for (int dy = coarse.dy() - 1; dy <= coarse.dy() + 1; dy++) {
                for (int dx = coarse.dx() - 1; dx <= coarse.dx() + 1; dx++) {
                    Camera c = new Camera(dx, dy, zoom);
                    long cost = cost(before, after, w, h, c, 2);
                    if (cost < best) {
                        best = cost;
                        found = c;
                    }
                }
            }
        }
        return found;
    }

    private static long cost(byte[] before, byte[] after, int w, int h, Camera camera, int step) {
        int[] xs = camera.xs(w);
        int[] ys = camera.ys(h);
        long sum = 0;
        for (int y = MARGIN; y < h - MARGIN; y += step) {
            int row = y * w;
            int previousRow = ys[y] * w;
            for (int x = MARGIN; x < w - MARGIN; x += step) {
                sum += Math.abs((after[row + x] & 0xFF) - (before[previousRow + xs[x]] & 0xFF));
            }
        }
        return sum;
    }
}
