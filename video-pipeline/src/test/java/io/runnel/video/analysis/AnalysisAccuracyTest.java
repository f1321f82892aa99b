package io.runnel.video.analysis;

import io.runnel.video.testdata.Scores;
import io.runnel.video.testdata.SyntheticVideo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shot boundaries and motion found in generated videos (three, of different scenes), scored against their ground
 * truth. The videos follow one another on a common clock, so that one score covers all three.
 */
class AnalysisAccuracyTest {

    private static final long[] SEEDS = {7, 11, 23};
    /** Far enough apart that no video's events reach into the next's time. */
    private static final long VIDEO_SPACING_MS = 100_000;

    private static final List<SyntheticVideo.Truth> truths = new ArrayList<>();
    private static final List<ShotDetector.Boundary> boundaries = new ArrayList<>();
    private static final List<MotionDetector.Motion> motions = new ArrayList<>();

    @BeforeAll
    static void analyse(@TempDir Path dir) throws Exception {
        for (int i = 0; i < SEEDS.length; i++) {
            Path video = dir.resolve("synthetic-" + SEEDS[i] + ".mkv");
            SyntheticVideo.Truth truth = SyntheticVideo.write(video, dir.resolve("truth-" + SEEDS[i] + ".json"), 640, 360, SEEDS[i]);
            truths.add(truth);
            long offset = i * VIDEO_SPACING_MS;
            ShotDetector shots = new ShotDetector();
            MotionDetector motion = new MotionDetector();
            int frames = Frames.decodeFile(video.toString(), f -> {
                SmallFrame at = new SmallFrame(f.timeMs() + offset, f.width(), f.height(), f.rgb());
                boundaries.addAll(shots.accept(at));
                motions.addAll(motion.accept(at));
            });
            boundaries.addAll(shots.finish());
            motions.addAll(motion.finish());
            assertThat(frames).isEqualTo(truth.frames());
        }
    }

    private static List<Scores.Interval> truth(String transition) {
        List<Scores.Interval> all = new ArrayList<>();
        for (int i = 0; i < truths.size(); i++) {
            long offset = i * VIDEO_SPACING_MS;
            truths.get(i).boundaries().stream().filter(b -> b.transition().equals(transition))
                    .forEach(b -> all.add(new Scores.Interval(b.startMs() + offset, b.endMs() + offset)));
        }
        return all;
    }

    private static List<Scores.Interval> found(String transition) {
        return boundaries.stream().filter(b -> b.transition().equals(transition)).map(b -> new Scores.Interval(b.startMs(), b.endMs())).toList();
    }

    @Test
    void hardCutsAndGradualTransitionsAreFound() {
        assertThat(Scores.f1(truth("cut"), found("cut"), 200)).as("cuts %s against %s", found("cut"), truth("cut")).isGreaterThanOrEqualTo(0.95);
        assertThat(Scores.f1(truth("gradual"), found("gradual"), 200)).as("gradual %s against %s", found("gradual"), truth("gradual"))
                .isGreaterThanOrEqualTo(0.8);
    }

    @Test
    void anObjectMovingOverAStillSceneIsMotionAndAPanOrZoomIsNot() {
        for (int i = 0; i < truths.size(); i++) {
            SyntheticVideo.Truth truth = truths.get(i);
            long offset = i * VIDEO_SPACING_MS;
            for (SyntheticVideo.Motion m : truth.motion()) {
                Scores.Interval t = new Scores.Interval(m.startMs() + offset, m.endMs() + offset);
                assertThat(motions).as("motion %s", motions).anySatisfy(d ->
                        assertThat(Scores.iou(t, new Scores.Interval(d.startMs(), d.endMs()), 1000 / SyntheticVideo.FPS)).isGreaterThanOrEqualTo(0.7));
            }
            for (SyntheticVideo.CameraMove move : truth.cameraMoves()) {
                Scores.Interval camera = new Scores.Interval(move.startMs() + offset, move.endMs() + offset);
                assertThat(motions).as("%s", move).noneMatch(d -> Scores.overlap(camera, new Scores.Interval(d.startMs(), d.endMs())));
            }
        }
    }
}
