package io.runnel.video.media;

import org.bytedeco.ffmpeg.global.avutil;

/** FFmpeg says only what went wrong, and JavaCV says it through SLF4J, not to standard error. */
public final class FFmpegLogging {

    static {
        // The logging backend starts here, not while JavaCPP holds the JVM's native-library lock to load FFmpeg:
        // a backend that loads a native library of its own as it starts would wait on that lock for ever.
        org.slf4j.LoggerFactory.getLogger(FFmpegLogging.class);
        if (System.getProperty("org.bytedeco.javacpp.logger") == null) {
            System.setProperty("org.bytedeco.javacpp.logger", "slf4j");
        }
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    }

    private FFmpegLogging() {
    }

    /**
     * A JavaCV error as a user reads it: JavaCV names an input stream by its Java object and adds advice meant for
     * programmers ("Has setFormat() been called?"), neither of which helps.
     */
    public static String describe(Exception e) {
        return String.valueOf(e.getMessage()).replaceAll(" inside \"java\\.io\\.[^\"]*\"", "")
                .replace(" (Has setFormat() been called?)", "")
                .replace(" (For more details, make sure FFmpegLogCallback.set() has been called.)", "").trim();
    }

    /** Takes effect on first use; later calls do nothing. */
    public static void quiet() {
        // the static initializer did it
    }
}
