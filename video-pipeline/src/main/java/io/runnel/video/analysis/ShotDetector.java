package io.runnel.video.analysis;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds shot boundaries in a stream of frames, one frame at a time. A hard cut is a jump in the colour histogram
 * and in the pixels between two frames. A gradual transition is a run of frames that each change a little and together change a
 * lot, and that are mixtures of the frames before and after (a dissolve) or of either with black (a fade through
 * black); a pan or a zoom also changes frames a little at a time, but moves content rather than mixing it.
 */
public final class ShotDetector implements Serializable {

    private static final long serialVersionUID = 1L;
    /** A boundary: for a cut, start and end are the first frame of the new shot. */
    public record Boundary(String transition, long startMs, long endMs) implements Serializable {
    }

    static final double CUT = 0.35;
    /** A cut also changes the pixels themselves a lot: a dissolve can jump the histogram's coarse bins, not its pixels. */
    static final double CUT_PIXELS = 20;
    static final double CHANGING = 0.01;
    static final double CHANGED = 0.25;
    static final double MIXTURE = 0.35;
    static final double DARK = 24;
    static final int MAX_QUIET = 2;
    static final int MIN_FRAMES = 4;
    static final int MAX_FRAMES = 100;

    private SmallFrame previous;
    private double[] previousHistogram;
    private SmallFrame beforeRun;
    private final ArrayList<SmallFrame> run = new ArrayList<>();
    private int quiet;

    /** Takes the next frame (shots are found at half its size); returns the boundaries it completes. */
    public List<Boundary> accept(SmallFrame full) {
        SmallFrame frame = full.half();
        List<Boundary> found = new ArrayList<>();
        if (previous != null && (previous.width() != frame.width() || previous.height() != frame.height())) {
            // A new picture size (another camera, or the producer's new resolution): a cut, and nothing before
            // compares with what follows.
            previous = null;
            beforeRun = null;
            run.clear();
            quiet = 0;
            found.add(new Boundary("cut", frame.timeMs(), frame.timeMs()));
        }
        double[] histogram = frame.histogram();
        if (previous != null) {
            double d = SmallFrame.distance(previousHistogram, histogram);
            if (d > CUT && SmallFrame.meanDifference(previous, frame) > CUT_PIXELS && !Blend.fadeStep(previous, frame)) {
                closeRun(found);
                found.add(new Boundary("cut", frame.timeMs(), frame.timeMs()));
            } else if (d > CHANGING) {
                if (run.isEmpty()) {
                    beforeRun = previous;
                }
                run.add(frame);
                quiet = 0;
                if (run.size() > MAX_FRAMES) {
                    // Too long to be a transition: the camera is moving.
                    run.clear();
                }
            } else if (!run.isEmpty()) {
                if (frame.meanLuma() < DARK) {
                    // Near black, a fade changes the histogram little: the transition goes on through it.
                    run.add(frame);
                    quiet = 0;
                } else if (++quiet > MAX_QUIET) {
                    closeRun(found);
                } else {
                    run.add(frame);
                }
            }
        }
        previous = frame;
        previousHistogram = histogram;
        return found;
    }

    /** The stream has ended: a transition under way ends too. */
    public List<Boundary> finish() {
        List<Boundary> found = new ArrayList<>();
        closeRun(found);
        return found;
    }

    private void closeRun(List<Boundary> found) {
        List<SmallFrame> core = new ArrayList<>(run.subList(0, run.size() - Math.min(quiet, run.size())));
        run.clear();
        quiet = 0;
        if (core.size() < MIN_FRAMES || beforeRun == null) {
            return;
        }
        SmallFrame after = core.get(core.size() - 1);
        if (SmallFrame.distance(beforeRun.histogram(), after.histogram()) < CHANGED) {
            return;
        }
        List<SmallFrame> middle = core.subList(0, core.size() - 1);
        if (mixes(beforeRun, after, middle) || fadesThroughBlack(beforeRun, after, middle)) {
            found.add(new Boundary("gradual", core.get(0).timeMs(), after.timeMs()));
        }
    }

    private static boolean mixes(SmallFrame a, SmallFrame b, List<SmallFrame> frames) {
        if (frames.isEmpty()) {
            return false;
        }
        double[] residuals = frames.stream().mapToDouble(m -> Blend.residual(a, b, m)).sorted().toArray();
        return residuals[residuals.length / 2] < MIXTURE;
    }

    private static boolean fadesThroughBlack(SmallFrame a, SmallFrame b, List<SmallFrame> frames) {
        int darkest = -1;
        double least = Double.MAX_VALUE;
        for (int i = 0; i < frames.size(); i++) {
            double luma = frames.get(i).meanLuma();
            if (luma < least) {
                least = luma;
                darkest = i;
            }
        }
        if (darkest < 0 || least > DARK) {
            return false;
        }
        SmallFrame black = Blend.black(a);
        List<SmallFrame> out = frames.subList(0, darkest);
        List<SmallFrame> in = frames.subList(darkest + 1, frames.size());
        return (out.isEmpty() || mixes(a, black, out)) && (in.isEmpty() || mixes(black, b, in)) && !(out.isEmpty() && in.isEmpty());
    }
}
