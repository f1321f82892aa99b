package io.runnel.video.analysis;

import io.runnel.video.media.FrameImages;
import io.runnel.video.testdata.Scores;
import io.runnel.video.testdata.SyntheticVideo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shot boundaries, shots and motion found in generated videos (three, of different scenes), scored against their
 * ground truth. The videos follow one another on a common clock, so that one score covers all three. The first is
 * analysed as the job does it, its analysis written to bytes and read back every second, as a restore would.
 */
class AnalysisAccuracyTest {

    private static final long[] SEEDS = {7, 11, 23};
    /** Far enough apart that no video's events reach into the next's time. */
    private static final long VIDEO_SPACING_MS = 100_000;

    private static final List<SyntheticVideo.Truth> truths = new ArrayList<>();
    private static final List<VideoAnalysis.Boundary> boundaries = new ArrayList<>();
    private static final List<VideoAnalysis.Motion> motions = new ArrayList<>();
    private static final List<List<VideoAnalysis.Shot>> shots = new ArrayList<>();
    private static final List<VideoAnalysis.Event> restored = new ArrayList<>();
    private static final List<VideoAnalysis.Event> straight = new ArrayList<>();

    @BeforeAll
    static void analyse(@TempDir Path dir) throws Exception {
        for (int i = 0; i < SEEDS.length; i++) {
            Path video = dir.resolve("synthetic-" + SEEDS[i] + ".mkv");
            SyntheticVideo.Truth truth = SyntheticVideo.write(video, dir.resolve("truth-" + SEEDS[i] + ".json"), 640, 360, SEEDS[i]);
            truths.add(truth);
            long offset = i * VIDEO_SPACING_MS;
            VideoAnalysis analysis = new VideoAnalysis();
            List<VideoAnalysis.Event> events = new ArrayList<>();
            int frames = Frames.decodeFile(video.toString(), f -> events.addAll(
                    analysis.accept(new SmallFrame(f.timeMs() + offset, f.width(), f.height(), f.rgb()))));
            long end = offset + (long) truth.frames() * 1000 / SyntheticVideo.FPS;
            events.addAll(analysis.finish(end));
            assertThat(frames).isEqualTo(truth.frames());
            events.forEach(e -> {
                if (e instanceof VideoAnalysis.Boundary b) {
                    boundaries.add(b);
                } else if (e instanceof VideoAnalysis.Motion m) {
                    motions.add(m);
                }
            });
            shots.add(events.stream().filter(e -> e instanceof VideoAnalysis.Shot).map(e -> (VideoAnalysis.Shot) e).toList());
            if (i == 0) {
                straight.addAll(events);
                VideoAnalysis[] state = {new VideoAnalysis()};
                int[] n = {0};
                Frames.decodeFile(video.toString(), f -> {
                    restored.addAll(state[0].accept(f));
                    if (++n[0] % SyntheticVideo.FPS == 0) {
                        state[0] = VideoAnalysis.fromBytes(state[0].toBytes());
                    }
                });
                restored.addAll(state[0].finish(end));
            }
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
                assertThat(motions).as("motion %s", motions).anySatisfy(d -> {
                    assertThat(Scores.iou(t, new Scores.Interval(d.startMs(), d.endMs()), 1000 / SyntheticVideo.FPS)).isGreaterThanOrEqualTo(0.7);
                    // The area holds where the object went (up to the analysis' margin at the frame's edge).
                    assertThat(d.x() * truth.width()).isLessThanOrEqualTo(m.x() + 0.1 * truth.width());
                    assertThat((d.x() + d.width()) * truth.width()).isGreaterThanOrEqualTo(m.x() + m.width() - 0.1 * truth.width());
                    assertThat(d.y() * truth.height()).isLessThanOrEqualTo(m.y() + 0.1 * truth.height());
                    assertThat((d.y() + d.height()) * truth.height()).isGreaterThanOrEqualTo(m.y() + m.height() - 0.1 * truth.height());
                });
            }
            for (SyntheticVideo.CameraMove move : truth.cameraMoves()) {
                Scores.Interval camera = new Scores.Interval(move.startMs() + offset, move.endMs() + offset);
                assertThat(motions).as("%s", move).noneMatch(d -> Scores.overlap(camera, new Scores.Interval(d.startMs(), d.endMs())));
            }
        }
    }

    @Test
    void shotsFillTheVideoBetweenItsBoundariesEachWithItsColoursAndAThumbnail() throws Exception {
        for (int i = 0; i < truths.size(); i++) {
            long offset = i * VIDEO_SPACING_MS;
            List<VideoAnalysis.Boundary> inVideo = boundaries.stream()
                    .filter(b -> b.startMs() >= offset && b.startMs() < offset + VIDEO_SPACING_MS).toList();
            List<VideoAnalysis.Shot> found = shots.get(i);
            assertThat(found).hasSize(inVideo.size() + 1);
            assertThat(found.get(0).startMs()).isEqualTo(offset);
            for (int s = 0; s < inVideo.size(); s++) {
                assertThat(found.get(s).endMs()).isEqualTo(inVideo.get(s).startMs());
                assertThat(found.get(s + 1).startMs()).isEqualTo(inVideo.get(s).endMs());
            }
            for (VideoAnalysis.Shot shot : found) {
                assertThat(shot.dominantColors()).isNotEmpty();
                assertThat(shot.dominantColors()).allSatisfy(c -> assertThat(c.hex()).matches("#[0-9a-f]{6}"));
                assertThat(shot.dominantColors().stream().mapToDouble(VideoAnalysis.DominantColor::pixelPercent).sum()).isLessThanOrEqualTo(100.01);
                assertThat(shot.meanMotion()).isBetween(0.0, 1.0);
                BufferedImage thumbnail = ImageIO.read(new ByteArrayInputStream(FrameImages.jpeg(shot.thumbnail().image(), 85)));
                assertThat(thumbnail.getWidth()).isEqualTo(Frames.WIDTH);
            }
        }
    }

    @Test
    void anAnalysisReadBackFromItsBytesFindsWhatOneLeftAloneDoes() {
        assertThat(restored).hasSameSizeAs(straight);
        for (int i = 0; i < straight.size(); i++) {
            assertThat(describe(restored.get(i))).isEqualTo(describe(straight.get(i)));
        }
    }

    /** An event without its thumbnail's pixels, which are an array compared by identity. */
    private static String describe(VideoAnalysis.Event event) {
        return event instanceof VideoAnalysis.Shot s
                ? "shot " + s.startMs() + " " + s.endMs() + " " + s.dominantColors() + " " + s.meanMotion() + " " + s.thumbnail().timeMs()
                : event.toString();
    }
}
