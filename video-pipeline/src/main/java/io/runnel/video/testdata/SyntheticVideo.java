package io.runnel.video.testdata;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes a short H.264 video whose every frame Runnel draws, so that its shot boundaries and moving objects are
 * known exactly: hard cuts, a dissolve, a fade through black, an object moving over a still scene, and a camera
 * pan and zoom that are not motion. Its ground truth goes beside it as JSON. Deterministic for a seed.
 */
public final class SyntheticVideo {

    public static final int FPS = 25;
    private static final int FRAME_MS = 1000 / FPS;

    /** A boundary between shots; a cut has start = end = the first frame of the new shot. */
    public record Boundary(String transition, long startMs, long endMs) {
    }

    /** An object moving over a still scene, and the area it crossed, in pixels. */
    public record Motion(long startMs, long endMs, int x, int y, int width, int height) {
    }

    /** A stretch where the camera moves but nothing in the scene does. */
    public record CameraMove(String kind, long startMs, long endMs) {
    }

    public record Truth(int width, int height, int fps, int frames, List<Boundary> boundaries, List<Motion> motion,
                        List<CameraMove> cameraMoves) {
    }

    private final int width;
    private final int height;
    private final Random random;
    private final List<BufferedImage> frames = new ArrayList<>();
    private final List<Boundary> boundaries = new ArrayList<>();
    private final List<Motion> motion = new ArrayList<>();
    private final List<CameraMove> cameraMoves = new ArrayList<>();

    static {
        io.runnel.video.media.FFmpegLogging.quiet();
    }

    private SyntheticVideo(int width, int height, long seed) {
        this.width = width;
        this.height = height;
        this.random = new Random(seed);
    }

    /** The standard script: about 21 seconds with two cuts, a dissolve, a fade, a moving object, a pan and a zoom. */
    public static Truth write(Path video, Path truth, int width, int height, long seed) throws IOException {
        SyntheticVideo v = new SyntheticVideo(width, height, seed);
        BufferedImage a = v.scene(width, height);
        BufferedImage b = v.scene(width, height);
        BufferedImage c = v.scene(width, height);
        BufferedImage d = v.scene(width * 2, height);
        BufferedImage e = v.scene(width, height);
        BufferedImage f = v.scene(width, height);
        v.hold(a, 3 * FPS);
        v.cut();
        v.hold(b, 5 * FPS / 2);
        v.dissolve(b, c, FPS);
        v.hold(c, FPS / 2);
        v.moving(c, 2 * FPS);
        v.hold(c, FPS / 2);
        v.fadeThroughBlack(c, d.getSubimage(0, 0, width, height), FPS * 4 / 5);
        v.hold(d.getSubimage(0, 0, width, height), FPS);
        v.pan(d, 2 * FPS);
        v.cut();
        v.zoom(e, 2 * FPS);
        v.cut();
        v.hold(f, 2 * FPS);
        v.encode(video);
        Truth t = new Truth(width, height, FPS, v.frames.size(), v.boundaries, v.motion, v.cameraMoves);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(truth.toFile(), t);
        return t;
    }

    private long now() {
        return (long) frames.size() * FRAME_MS;
    }

    /** A still scene: a colour gradient under random shapes, so that scenes differ in colour and texture. */
    private BufferedImage scene(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        Color top = new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256));
        Color bottom = new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256));
        g.setPaint(new java.awt.GradientPaint(0, 0, top, 0, h, bottom));
        g.fillRect(0, 0, w, h);
        for (int i = 0; i < 40 * w / width; i++) {
            g.setColor(new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256)));
            int x = random.nextInt(w);
            int y = random.nextInt(h);
            int s = 10 + random.nextInt(h / 4);
            if (random.nextBoolean()) {
                g.fillOval(x, y, s, s);
            } else {
                g.fillRect(x, y, s, s / 2 + 5);
            }
        }
        g.dispose();
        return img;
    }

    private void hold(BufferedImage scene, int n) {
        for (int i = 0; i < n; i++) {
            frames.add(scene);
        }
    }

    private void cut() {
        boundaries.add(new Boundary("cut", now(), now()));
    }

    private void dissolve(BufferedImage from, BufferedImage to, int n) {
        long start = now();
        for (int i = 1; i <= n; i++) {
            frames.add(blend(from, to, (float) i / (n + 1)));
        }
        boundaries.add(new Boundary("gradual", start, now()));
    }

    private void fadeThroughBlack(BufferedImage from, BufferedImage to, int n) {
        long start = now();
        BufferedImage black = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        for (int i = 1; i <= n; i++) {
            frames.add(blend(from, black, (float) i / n));
        }
        for (int i = 1; i <= n; i++) {
            frames.add(blend(black, to, (float) i / (n + 1)));
        }
        boundaries.add(new Boundary("gradual", start, now()));
    }

    /** A square crosses the still scene from left to right. */
    private void moving(BufferedImage scene, int n) {
        int size = height / 6;
        int y = height / 2 - size / 2;
        int x0 = width / 8;
        int x1 = width * 7 / 8 - size;
        long start = now();
        for (int i = 0; i < n; i++) {
            BufferedImage img = copy(scene);
            Graphics2D g = img.createGraphics();
            g.setColor(new Color(250, 250, 250));
            g.fillRect(x0 + (x1 - x0) * i / (n - 1), y, size, size);
            g.dispose();
            frames.add(img);
        }
        motion.add(new Motion(start, now() - FRAME_MS, x0, y, x1 + size - x0, size));
    }

    /** The camera pans right across a scene twice the frame's width. */
    private void pan(BufferedImage wide, int n) {
        long start = now();
        for (int i = 1; i <= n; i++) {
            frames.add(copy(wide.getSubimage((wide.getWidth() - width) * i / n, 0, width, height)));
        }
        cameraMoves.add(new CameraMove("pan", start, now() - FRAME_MS));
    }

    /** The camera zooms in on the centre of a scene, to a third larger. */
    private void zoom(BufferedImage scene, int n) {
        long start = now();
        for (int i = 0; i < n; i++) {
            double scale = 1 + 0.33 * i / (n - 1);
            int w = (int) Math.round(width / scale);
            int h = (int) Math.round(height / scale);
            BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
            Graphics2D g = img.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(scene.getSubimage((width - w) / 2, (height - h) / 2, w, h), 0, 0, width, height, null);
            g.dispose();
            frames.add(img);
        }
        cameraMoves.add(new CameraMove("zoom", start, now() - FRAME_MS));
    }

    private BufferedImage blend(BufferedImage a, BufferedImage b, float t) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                int r = Math.round(((p >> 16) & 0xFF) * (1 - t) + ((q >> 16) & 0xFF) * t);
                int gr = Math.round(((p >> 8) & 0xFF) * (1 - t) + ((q >> 8) & 0xFF) * t);
                int bl = Math.round((p & 0xFF) * (1 - t) + (q & 0xFF) * t);
                img.setRGB(x, y, (r << 16) | (gr << 8) | bl);
            }
        }
        return img;
    }

    private BufferedImage copy(BufferedImage src) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = img.createGraphics();
        g.drawImage(src, 0, 0, null);
        g.dispose();
        return img;
    }

    /** H.264 in Matroska, a key frame every second, as a camera would send it. */
    private void encode(Path video) throws IOException {
        Files.createDirectories(video.toAbsolutePath().getParent());
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(video.toFile(), width, height, 0);
             Java2DFrameConverter converter = new Java2DFrameConverter()) {
            recorder.setFormat("matroska");
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_H264);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            recorder.setFrameRate(FPS);
            recorder.setGopSize(FPS);
            recorder.setVideoBitrate(4_000_000);
            recorder.start();
            for (BufferedImage frame : frames) {
                recorder.record(converter.convert(frame), avutil.AV_PIX_FMT_BGR24);
            }
            recorder.stop();
        }
    }

    /** {@code SyntheticVideo OUT.mkv TRUTH.json [WIDTH HEIGHT [SEED]]}. */
    public static void main(String[] args) throws IOException {
        int w = args.length > 3 ? Integer.parseInt(args[2]) : 640;
        int h = args.length > 3 ? Integer.parseInt(args[3]) : 360;
        long seed = args.length > 4 ? Long.parseLong(args[4]) : 1;
        Truth t = write(Path.of(args[0]), Path.of(args[1]), w, h, seed);
        System.out.println(t.frames() + " frames, " + t.boundaries().size() + " shot boundaries, " + t.motion().size() + " moving objects");
    }
}
