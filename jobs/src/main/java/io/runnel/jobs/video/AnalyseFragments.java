package io.runnel.jobs.video;

import io.runnel.video.analysis.Frames;
import io.runnel.video.analysis.VideoAnalysis;
import io.runnel.video.index.FragmentEntry;
import io.runnel.video.media.FrameImages;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Analyses a video stream's fragments in the order they were stored, keyed by stream: fetches a fragment,
 * decodes its frames and passes them to the stream's {@link VideoAnalysis}, which lives in keyed state. A restore
 * takes the analysis back to the checkpoint and the source back to the fragment after it, so the events found
 * again are the same ones, which the exactly-once sink had not committed.
 */
final class AnalyseFragments extends KeyedProcessFunction<String, IndexedFragment, VideoEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(AnalyseFragments.class);
    private static final int THUMBNAIL_QUALITY = 85;

    private final URI endpoint;
    private final String[] key;
    private final String region;
    private final String thumbnails;
    private transient FragmentFetcher fetcher;
    private transient ValueState<byte[]> analysis;

    /** @param thumbnails the directory (a Flink file system URI, such as s3://bucket/prefix/) for shot thumbnails */
    AnalyseFragments(URI endpoint, String[] key, String region, String thumbnails) {
        this.endpoint = endpoint;
        this.key = key;
        this.region = region;
        this.thumbnails = thumbnails.endsWith("/") ? thumbnails : thumbnails + "/";
    }

    @Override
    public void open(OpenContext context) {
        fetcher = new FragmentFetcher(endpoint, key, region);
        analysis = getRuntimeContext().getState(new ValueStateDescriptor<>("analysis", byte[].class));
    }

    @Override
    public void processElement(IndexedFragment fragment, Context context, Collector<VideoEvent> out) throws Exception {
        String stream = fragment.stream();
        FragmentEntry entry;
        try {
            entry = fragment.parse();
        } catch (IOException e) {
            out.collect(VideoEvent.error(stream, fragment.fragmentNumber(), "unreadable fragment index record: " + e.getMessage()));
            return;
        }
        Optional<byte[]> media = fetcher.fetch(stream, fragment.fragmentNumber());
        if (media.isEmpty()) {
            out.collect(VideoEvent.error(stream, fragment.fragmentNumber(), "the fragment is no longer stored"));
            return;
        }
        byte[] bytes = analysis.value();
        VideoAnalysis video = bytes == null ? new VideoAnalysis() : VideoAnalysis.fromBytes(bytes);
        List<VideoAnalysis.Event> found = new ArrayList<>();
        try {
            Frames.decode(media.get(), entry.producerTimestamp(), frame -> found.addAll(video.accept(frame)));
        } catch (IllegalArgumentException e) {
            LOG.info("Fragment {} of video stream {} cannot be decoded: {}", fragment.fragmentNumber(), stream, e.getMessage());
            out.collect(VideoEvent.error(stream, fragment.fragmentNumber(), e.getMessage()));
        } catch (RuntimeException e) {
            // Failing the job would fail it again on the same fragment, for ever: the fragment is set aside instead.
            LOG.warn("Fragment {} of video stream {} could not be analysed", fragment.fragmentNumber(), stream, e);
            out.collect(VideoEvent.error(stream, fragment.fragmentNumber(), "the analysis failed on this fragment: " + e));
        }
        for (VideoAnalysis.Event event : found) {
            if (event instanceof VideoAnalysis.Boundary b) {
                out.collect(VideoEvent.boundary(stream, b));
            } else if (event instanceof VideoAnalysis.Motion m) {
                out.collect(VideoEvent.motion(stream, m));
            } else if (event instanceof VideoAnalysis.Shot s) {
                out.collect(VideoEvent.shot(stream, s, thumbnail(stream, s)));
            }
        }
        analysis.update(video.toBytes());
    }

    /** Writes a shot's thumbnail; a shot found again after a restore writes the same object again. */
    private String thumbnail(String stream, VideoAnalysis.Shot shot) throws IOException {
        Path path = new Path(thumbnails + stream + "/" + shot.startMs() + ".jpg");
        FileSystem fs = path.getFileSystem();
        try (FSDataOutputStream out = fs.create(path, FileSystem.WriteMode.OVERWRITE)) {
            out.write(FrameImages.jpeg(shot.thumbnail().image(), THUMBNAIL_QUALITY));
        }
        return path.toString();
    }
}
