package io.runnel.server.testing;

import io.runnel.video.mkv.Fragment;
import io.runnel.video.mkv.MkvFragmenter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Test videos made by Debian's ffmpeg from its own test pattern, and what Runnel's fragmenter makes of them. */
public final class TestVideos {

    private TestVideos() {
    }

    /**
     * An H.264 video of the test pattern at 25 fps with a key frame every second, as a Matroska file ffmpeg
     * writes to a pipe (clusters of known size, one per key frame), made once per JVM.
     */
    public static synchronized Path matroska(int seconds) throws IOException, InterruptedException {
        Path file = Path.of(System.getProperty("java.io.tmpdir"), "runnel-test-" + seconds + "s.mkv");
        if (!Files.exists(file)) {
            Path partial = Files.createTempFile("runnel-test", ".mkv");
            ffmpeg(testPattern(seconds, "-f", "matroska", "pipe:1"), partial);
            Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }

    /** The same video as an MP4 file, as a camera or an editor leaves it. */
    public static synchronized Path mp4(int seconds) throws IOException, InterruptedException {
        Path file = Path.of(System.getProperty("java.io.tmpdir"), "runnel-test-" + seconds + "s.mp4");
        if (!Files.exists(file)) {
            Path partial = Files.createTempFile("runnel-test", ".mp4");
            ffmpeg(testPattern(seconds, "-f", "mp4", partial.toString()), null);
            Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }

    /** The fragments Runnel's fragmenter cuts from Matroska bytes. */
    public static List<Fragment> fragments(byte[] matroska) {
        return MkvFragmenter.split(matroska);
    }

    private static List<String> testPattern(int seconds, String... output) {
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                "testsrc=size=320x240:rate=25", "-t", Integer.toString(seconds), "-c:v", "libx264", "-preset", "ultrafast",
                "-g", "25", "-pix_fmt", "yuv420p"));
        command.addAll(List.of(output));
        return command;
    }

    /** Runs ffmpeg, its standard output into {@code stdout} when given. */
    private static void ffmpeg(List<String> command, Path stdout) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        if (stdout != null) {
            builder.redirectOutput(stdout.toFile());
        }
        Process p = builder.start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("ffmpeg failed: " + command);
        }
    }
}
