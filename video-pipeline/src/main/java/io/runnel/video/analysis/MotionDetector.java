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

    private SmallFrame previous;
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

    public List<Motion> accept(SmallFrame frame) {
        List<Motion> found = new ArrayList<>();
        if (previous != null && previous.width() == frame.width() && previous.height() == frame.height()) {
            observe(frame, found);
        }
        previous = frame;
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

    private void observe(SmallFrame frame, List<Motion> found) {
        Camera camera = camera(previous, frame);
        int w = frame.width();
        int h = frame.height();
        int changed = 0;
        int bx0 = Integer.MAX_VALUE;
        int by0 = Integer.MAX_VALUE;
        int bx1 = -1;
        int by1 = -1;
        for (int y = MARGIN; y < h - MARGIN; y++) {
            for (int x = MARGIN; x < w - MARGIN; x++) {
                if (differs(frame.luma(x, y), previous, camera.x(x, w), camera.y(y, h))) {
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
                start = frame.timeMs();
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
            lastMoving = frame.timeMs();
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
    private static boolean differs(int luma, SmallFrame previous, int x, int y) {
        for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
                if (Math.abs(luma - previous.luma(x + dx, y + dy)) <= DIFFERENT) {
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
     * the later frame was at {@code (x(x), y(y))} of the earlier.
     */
    record Camera(int dx, int dy, double scale) {
        int x(int x, int width) {
            return (int) Math.round(width / 2.0 + (x - width / 2.0 - dx) / scale);
        }

        int y(int y, int height) {
            return (int) Math.round(height / 2.0 + (y - height / 2.0 - dy) / scale);
        }
    }

    private static final double[] ZOOMS = {1, 0.994, 1.006, 0.988, 1.012};

    /**
     * The camera's movement that matches the earlier frame to the later best: shifts searched first every other
     * pixel, then refined, then zooms tried with that shift.
     */
    static Camera camera(SmallFrame before, SmallFrame after) {
        long best = Long.MAX_VALUE;
        Camera found = new Camera(0, 0, 1);
        for (int dy = -SEARCH; dy <= SEARCH; dy++) {
            for (int dx = -SEARCH; dx <= SEARCH; dx++) {
                Camera c = new Camera(2 * dx, 2 * dy, 1);
                long cost = cost(before, after, c, 2);
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
                    long cost = cost(before, after, c, 1);
                    if (cost < best) {
                        best = cost;
                        found = c;
                    }
                }
            }
        }
        return found;
    }

    private static long cost(SmallFrame before, SmallFrame after, Camera camera, int step) {
        long sum = 0;
        int w = after.width();
        int h = after.height();
        for (int y = MARGIN; y < h - MARGIN; y += step) {
            int py = camera.y(y, h);
            for (int x = MARGIN; x < w - MARGIN; x += step) {
                sum += Math.abs(after.luma(x, y) - before.luma(camera.x(x, w), py));
            }
        }
        return sum;
    }
}
