package io.runnel.video.analysis;

/**
 * Whether frames are mixtures of two others, as in a dissolve or a fade: each frame M is compared with the best
 * {@code (1 - a) A + a B}, and the error measured against how far apart A and B are. A pan or a zoom moves
 * content instead of mixing it, and leaves a large error.
 */
final class Blend {

    private Blend() {
    }

    /** The error of the best mixture of {@code a} and {@code b} that makes {@code m}, relative to their distance; 0 is exact. */
    static double residual(SmallFrame a, SmallFrame b, SmallFrame m) {
        double dot = 0;
        double norm = 0;
        for (int i = 0; i < m.rgb().length; i++) {
            double ba = (b.rgb()[i] & 0xFF) - (a.rgb()[i] & 0xFF);
            dot += ((m.rgb()[i] & 0xFF) - (a.rgb()[i] & 0xFF)) * ba;
            norm += ba * ba;
        }
        if (norm == 0) {
            return Double.MAX_VALUE;
        }
        double alpha = Math.max(0, Math.min(1, dot / norm));
        double err = 0;
        for (int i = 0; i < m.rgb().length; i++) {
            double expect = (a.rgb()[i] & 0xFF) * (1 - alpha) + (b.rgb()[i] & 0xFF) * alpha;
            double e = (m.rgb()[i] & 0xFF) - expect;
            err += e * e;
        }
        return Math.sqrt(err / norm);
    }

    /**
     * Whether {@code next} is {@code before} made brighter or darker, as in a step of a fade: a jump in the colour
     * histogram that is no cut. Out of or into black counts too.
     */
    static boolean fadeStep(SmallFrame before, SmallFrame next) {
        if (before.meanLuma() < ShotDetector.DARK || next.meanLuma() < ShotDetector.DARK) {
            return true;
        }
        double dot = 0;
        double norm = 0;
        double change = 0;
        for (int i = 0; i < next.rgb().length; i++) {
            double p = before.rgb()[i] & 0xFF;
            double c = next.rgb()[i] & 0xFF;
            dot += c * p;
            norm += p * p;
            change += (c - p) * (c - p);
        }
        double k = dot / norm;
        double err = 0;
        for (int i = 0; i < next.rgb().length; i++) {
            double e = (next.rgb()[i] & 0xFF) - k * (before.rgb()[i] & 0xFF);
            err += e * e;
        }
        return change > 0 && Math.sqrt(err / change) < FADE_STEP;
    }

    /** The most a fade step may differ from a pure change of brightness, relative to the change itself. */
    static final double FADE_STEP = 0.5;

    /** A black frame of the same size. */
    static SmallFrame black(SmallFrame like) {
        return new SmallFrame(like.timeMs(), like.width(), like.height(), new byte[like.rgb().length]);
    }
}
