package io.runnel.video.analysis;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The colours of a shot: every frame's pixels (one in sixteen) counted into the 64 bins of {@link SmallFrame#histogram()}, each bin keeping the
 * mean of the colours that fell into it, so that a dominant colour is the colour seen rather than a bin's centre.
 */
final class ShotColors implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final int STEP = 4;
    /** A colour under this share of the shot's pixels is not dominant. */
    private static final double MIN_SHARE = 0.05;
    private static final int MAX_COLOURS = 5;

    private final long[] count = new long[64];
    private final long[] sum = new long[64 * 3];
    private long total;

    void add(SmallFrame frame) {
        byte[] rgb = frame.rgb();
        for (int y = STEP / 2; y < frame.height(); y += STEP) {
            for (int x = STEP / 2; x < frame.width(); x += STEP) {
                int i = 3 * (y * frame.width() + x);
                int r = rgb[i] & 0xFF;
                int g = rgb[i + 1] & 0xFF;
                int b = rgb[i + 2] & 0xFF;
                int bin = SmallFrame.bin(r, g, b);
                count[bin]++;
                sum[3 * bin] += r;
                sum[3 * bin + 1] += g;
                sum[3 * bin + 2] += b;
                total++;
            }
        }
    }

    /** The dominant colours, the most seen first. */
    List<VideoAnalysis.DominantColor> dominant() {
        List<VideoAnalysis.DominantColor> colours = new ArrayList<>();
        for (int bin = 0; bin < count.length; bin++) {
            if (count[bin] > 0 && count[bin] >= MIN_SHARE * total) {
                String hex = String.format("#%02x%02x%02x", sum[3 * bin] / count[bin], sum[3 * bin + 1] / count[bin],
                        sum[3 * bin + 2] / count[bin]);
                colours.add(new VideoAnalysis.DominantColor(hex, Math.round(1000.0 * count[bin] / total) / 10.0));
            }
        }
        colours.sort(Comparator.comparingDouble(VideoAnalysis.DominantColor::pixelPercent).reversed());
        return colours.size() > MAX_COLOURS ? new ArrayList<>(colours.subList(0, MAX_COLOURS)) : colours;
    }
}
