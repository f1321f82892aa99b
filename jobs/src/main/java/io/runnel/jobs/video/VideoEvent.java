package io.runnel.jobs.video;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.video.analysis.VideoAnalysis;

/**
 * An event of the analysis as the events stream carries it: a JSON object whose times are the producer's epoch
 * milliseconds; the stream is the record's partition key, so that one video stream's events stay in order.
 */
public record VideoEvent(String stream, String json) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static VideoEvent boundary(String stream, VideoAnalysis.Boundary b) {
        return new VideoEvent(stream, event("shot_boundary", stream).put("transition", b.transition())
                .put("start_ms", b.startMs()).put("end_ms", b.endMs()).toString());
    }

    static VideoEvent shot(String stream, VideoAnalysis.Shot shot, String thumbnail) {
        ObjectNode event = event("shot", stream).put("start_ms", shot.startMs()).put("end_ms", shot.endMs())
                .put("duration_ms", shot.endMs() - shot.startMs());
        var colours = event.putArray("dominant_colors");
        shot.dominantColors().forEach(c -> colours.addObject().put("hex", c.hex()).put("pixel_percent", c.pixelPercent()));
        return new VideoEvent(stream, event.put("mean_motion", shot.meanMotion()).put("thumbnail", thumbnail).toString());
    }

    static VideoEvent motion(String stream, VideoAnalysis.Motion m) {
        ObjectNode event = event("motion", stream).put("start_ms", m.startMs()).put("end_ms", m.endMs());
        event.putObject("area").put("x", m.x()).put("y", m.y()).put("width", m.width()).put("height", m.height());
        return new VideoEvent(stream, event.toString());
    }

    static VideoEvent error(String stream, String fragmentNumber, String message) {
        return new VideoEvent(stream, event("error", stream).put("fragment_number", fragmentNumber).put("message", message).toString());
    }

    private static ObjectNode event(String type, String stream) {
        return JSON.createObjectNode().put("type", type).put("stream", stream);
    }
}
