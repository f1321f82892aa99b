package io.runnel.video.analysis;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One video stream's analysis, frame by frame: shot boundaries, each shot once it has ended (its span, dominant
 * colours, how much moved in it, a thumbnail), and objects moving over a still scene. All it remembers of the
 * frames before is in this object, which the job keeps as the stream's state.
 */
public final class VideoAnalysis implements Serializable {

    private static final long serialVersionUID = 1L;

    /** What the analysis found, in the order it found it. */
    public sealed interface Event permits Boundary, Shot, Motion {
    }

    /** A hard cut ({@code startMs == endMs}, the new shot's first frame) or a gradual transition and its span. */
    public record Boundary(String transition, long startMs, long endMs) implements Event {
    }

    /**
     * A shot, from its first frame to where the transition after it starts.
     *
     * @param meanMotion the mean fraction of the frame that moved against the camera
     * @param thumbnail  the frame at which the shot was known to have begun
     */
    public record Shot(long startMs, long endMs, List<DominantColor> dominantColors, double meanMotion, SmallFrame thumbnail)
            implements Event {
    }

    /** A colour as {@code #rrggbb} and the percentage of the shot's pixels near it. */
    public record DominantColor(String hex, double pixelPercent) implements Serializable {
    }

    /** An object moving over a still scene; its area in fractions of the frame's width and height, from the top left. */
    public record Motion(long startMs, long endMs, double x, double y, double width, double height) implements Event {
    }

    private final ShotDetector boundaries = new ShotDetector();
    private final MotionDetector motion = new MotionDetector();
    private boolean inShot;
    private long shotStart;
    private SmallFrame thumbnail;
    private ShotColors colours = new ShotColors();
    private double motionSum;
    private int frames;
    private SmallFrame last;

    public List<Event> accept(SmallFrame frame) {
        List<Event> found = new ArrayList<>();
        List<ShotDetector.Boundary> ended = boundaries.accept(frame);
        List<MotionDetector.Motion> moved = motion.accept(frame);
        if (!inShot) {
            startShot(frame.timeMs(), frame);
        }
        ended.forEach(b -> boundary(b, frame, found));
        colours.add(frame);
        motionSum += motion.lastChanged();
        frames++;
        last = frame;
        moved.forEach(m -> found.add(motion(m)));
        return found;
    }

    /** The video has ended: what was under way ends with it, the last shot at {@code endMs}. */
    public List<Event> finish(long endMs) {
        List<Event> found = new ArrayList<>();
        boundaries.finish().forEach(b -> boundary(b, last, found));
        motion.finish().forEach(m -> found.add(motion(m)));
        if (inShot) {
            found.add(endShot(endMs));
            inShot = false;
        }
        return found;
    }

    /** A boundary ends the shot before it and starts the next, {@code frame} the first of it seen whole. */
    private void boundary(ShotDetector.Boundary b, SmallFrame frame, List<Event> found) {
        found.add(endShot(b.startMs()));
        found.add(new Boundary(b.transition(), b.startMs(), b.endMs()));
        startShot(b.endMs(), frame);
    }

    private void startShot(long startMs, SmallFrame frame) {
        inShot = true;
        shotStart = startMs;
        thumbnail = frame;
        colours = new ShotColors();
        motionSum = 0;
        frames = 0;
    }

    private Shot endShot(long endMs) {
        return new Shot(shotStart, Math.max(shotStart, endMs), colours.dominant(),
                frames == 0 ? 0 : Math.round(10_000 * motionSum / frames) / 10_000.0, thumbnail);
    }

    /** Motion in fractions of the frame: the detector's frames are those analysed, of the same size as the last. */
    private Motion motion(MotionDetector.Motion m) {
        return new Motion(m.startMs(), m.endMs(), ratio(m.x(), last.width()), ratio(m.y(), last.height()),
                ratio(m.width(), last.width()), ratio(m.height(), last.height()));
    }

    private static double ratio(int pixels, int of) {
        return Math.round(10_000.0 * pixels / of) / 10_000.0;
    }

    /** The analysis as bytes, for the job's state: a few small frames, so small enough to write once a fragment. */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static VideoAnalysis fromBytes(byte[] bytes) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return (VideoAnalysis) in.readObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
