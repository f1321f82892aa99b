package io.runnel.video.testdata;

import java.util.ArrayList;
import java.util.List;

/** How detected events compare with a video's ground truth. */
public final class Scores {

    /** An interval of time, in milliseconds. */
    public record Interval(long startMs, long endMs) {
    }

    private Scores() {
    }

    /**
     * F1 of detected intervals against true ones: a detection matches a true interval, each at most once, when
     * both its ends lie within {@code toleranceMs} of the truth's.
     */
    public static double f1(List<Interval> truth, List<Interval> detected, long toleranceMs) {
        if (truth.isEmpty() && detected.isEmpty()) {
            return 1;
        }
        List<Interval> unmatched = new ArrayList<>(truth);
        int hits = 0;
        for (Interval d : detected) {
            for (Interval t : unmatched) {
                if (Math.abs(d.startMs() - t.startMs()) <= toleranceMs && Math.abs(d.endMs() - t.endMs()) <= toleranceMs) {
                    unmatched.remove(t);
                    hits++;
                    break;
                }
            }
        }
        return f1(hits, detected.size(), truth.size());
    }

    /**
     * F1 of single frames against true intervals, in the frames' favour: a frame within an interval (or within
     * {@code toleranceMs} of it) finds it, once; the others are false positives.
     */
    public static double f1OfPoints(List<Interval> truth, List<Interval> points, long toleranceMs) {
        List<Interval> unmatched = new ArrayList<>(truth);
        int hits = 0;
        for (Interval p : points) {
            for (Interval t : unmatched) {
                if (p.startMs() >= t.startMs() - toleranceMs && p.startMs() <= t.endMs() + toleranceMs) {
                    unmatched.remove(t);
                    hits++;
                    break;
                }
            }
        }
        return f1(hits, points.size(), truth.size());
    }

    private static double f1(int hits, int detected, int truth) {
        if (hits == 0) {
            return 0;
        }
        double precision = (double) hits / detected;
        double recall = (double) hits / truth;
        return 2 * precision * recall / (precision + recall);
    }

    /** The intersection over union of two intervals, ends included, at a frame's resolution. */
    public static double iou(Interval a, Interval b, long frameMs) {
        long intersection = Math.min(a.endMs(), b.endMs()) + frameMs - Math.max(a.startMs(), b.startMs());
        long union = Math.max(a.endMs(), b.endMs()) + frameMs - Math.min(a.startMs(), b.startMs());
        return Math.max(0, intersection) / (double) union;
    }

    /** Whether two intervals share any time. */
    public static boolean overlap(Interval a, Interval b) {
        return a.startMs() <= b.endMs() && b.startMs() <= a.endMs();
    }
}
