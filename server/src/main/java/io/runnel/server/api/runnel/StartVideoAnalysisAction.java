package io.runnel.server.api.runnel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.runnel.core.StreamStatus;
import io.runnel.server.RunnelConfig;
import io.runnel.server.api.ApiService;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.applications.Application;
import io.runnel.server.applications.Applications;
import io.runnel.server.http.ApiException;
import io.runnel.server.streams.Streams;
import io.runnel.server.video.VideoStreams;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code Runnel_20261126.StartVideoAnalysis}: starts Runnel's video analysis job over one or more video streams as
 * an application (so {@code ./runnel app list} shows it, and the runtime restarts it from its checkpoints), writing
 * its events to a data stream. {@code ./runnel video analyze} calls it; DeleteApplication ({@code ./runnel app delete})
 * stops the analysis.
 */
public final class StartVideoAnalysisAction {

    /** The analysis job's entry class in runnel-jobs.jar. */
    static final String ENTRY_CLASS = "io.runnel.jobs.video.VideoAnalysisJob";
    /** Events become visible as each checkpoint commits them: often enough to follow a camera live. */
    private static final long CHECKPOINT_INTERVAL_MS = 5_000;
    private static final String NAME = "[a-zA-Z0-9_.-]+";

    private static final List<Member> INPUT = List.of(
            Member.list("StreamNames", Member.string("member").length(1, 256).pattern(NAME)).required().length(1, 100),
            Member.string("EventsStreamName").required().length(1, 128).pattern(NAME),
            Member.string("ApplicationName").length(1, 128).pattern(NAME),
            Member.string("ThumbnailsLocation").length(1, 1024).pattern("s3a?://[^/]+/.*"));
    /** ApplicationDescription's bound in the Managed Flink API. */
    private static final int MAX_DESCRIPTION = 1024;

    private StartVideoAnalysisAction() {
    }

    public static ApiService service(RunnelConfig config, VideoStreams videoStreams, Streams streams, Applications applications) {
        return ApiService.of(DescribeEndpointsAction.SERVICE, Map.of("StartVideoAnalysis", new ApiService.Operation(INPUT,
                request -> handle(request, config, videoStreams, streams, applications))));
    }

    private static CompletableFuture<JsonNode> handle(Request request, RunnelConfig config, VideoStreams videoStreams, Streams streams,
                                                      Applications applications) {
        if (!applications.hasRuntime()) {
            throw new ApiException("UnsupportedOperationException", 400,
                    "StartVideoAnalysis needs a Flink cluster, and this Runnel server was started with --flink none.");
        }
        List<String> videos = new ArrayList<>();
        request.node("StreamNames").forEach(n -> videos.add(n.asText()));
        String events = request.string("EventsStreamName");
        String name = request.has("ApplicationName") ? request.string("ApplicationName") : defaultName(videos.get(0));
        if (new HashSet<>(videos).size() < videos.size()) {
            throw ApiException.invalidArgument("StreamNames lists a stream more than once.");
        }
        return applications.change(() -> {
            for (String video : videos) {
                if (videoStreams.find(video).filter(v -> !v.status().equals("DELETING")).isEmpty()) {
                    throw ApiException.resourceNotFound("The video stream " + video + " does not exist.");
                }
            }
            if (streams.find(events).filter(s -> s.status() != StreamStatus.DELETING).isEmpty()) {
                throw ApiException.resourceNotFound("Stream " + events + " under account " + config.accountId + " not found.");
            }
            for (var video : videoStreams.all()) {
                if (video.indexStream().equals(events)) {
                    throw ApiException.invalidArgument("EventsStreamName " + events + " is the fragment index of video stream "
                            + video.name() + ", which the server writes; events go to a data stream of their own.");
                }
            }
            if (applications.find(name).isPresent()) {
                throw ApiException.resourceInUse("Application " + name + " already exists.");
            }
            List<String> args = new ArrayList<>();
            videos.forEach(v -> args.addAll(List.of("--stream", v)));
            // The server's endpoints and key are added at each start (see JobLauncher), not kept here.
            args.addAll(List.of("--events", events, "--metadata-topic", config.metadataTopic, "--region", config.region,
                    "--transactional-id-prefix", "runnel-video-" + name));
            if (request.has("ThumbnailsLocation")) {
                args.addAll(List.of("--thumbnails", request.string("ThumbnailsLocation")));
            }
            String description = "Analyses video streams " + String.join(", ", videos) + " into " + events;
            applications.launch(Application.runnelJob(name, description.length() <= MAX_DESCRIPTION ? description
                            : description.substring(0, MAX_DESCRIPTION - 3) + "...", Application.Code.runnelJob(ENTRY_CLASS, args),
                    new Application.Checkpointing("CUSTOM", true, CHECKPOINT_INTERVAL_MS, 0), Application.Parallelism.DEFAULT,
                    System.currentTimeMillis()));
            return (JsonNode) JsonNodeFactory.instance.objectNode().put("ApplicationName", name)
                    .put("ApplicationARN", config.applicationArn(name));
        });
    }

    /** video-analysis-STREAM, within the 128 characters an application name may have. */
    static String defaultName(String stream) {
        String name = "video-analysis-" + stream;
        return name.length() <= 128 ? name : name.substring(0, 128);
    }
}
