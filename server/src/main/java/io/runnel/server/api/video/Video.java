package io.runnel.server.api.video;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.RunnelConfig;
import io.runnel.server.api.Request;
import io.runnel.server.api.RestOperation;
import io.runnel.server.http.ApiException;
import io.runnel.server.video.FragmentStore;
import io.runnel.server.video.HlsSession;
import io.runnel.server.video.VideoStream;
import io.runnel.server.video.VideoStreams;

import java.math.BigDecimal;
import java.net.URI;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The Kinesis Video Streams APIs (REST-JSON, an operation per path): the control plane, PutMedia and GetMedia,
 * and the archived-media operations, with what their actions share.
 */
public final class Video {

    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final int MAX_TAGS = 50;
    private static final String VERSION_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    final RunnelConfig config;
    final VideoStreams streams;
    final FragmentStore fragments;
    /** What GetDataEndpoint returns: this server, which serves the data plane too. */
    final URI dataEndpoint;
    final HlsSession.Tokens tokens;

    public Video(RunnelConfig config, VideoStreams streams, FragmentStore fragments, URI dataEndpoint) {
        this.config = config;
        this.streams = streams;
        this.fragments = fragments;
        this.dataEndpoint = dataEndpoint;
        this.tokens = new HlsSession.Tokens(config.auth);
    }

    /** Every operation, by the path AWS's clients send it to. */
    public Map<String, RestOperation> operations() {
        Map<String, RestOperation> ops = new HashMap<>();
        json(ops, "/createStream", new CreateStreamAction());
        json(ops, "/describeStream", new DescribeStreamAction());
        json(ops, "/listStreams", new ListStreamsAction());
        json(ops, "/deleteStream", new DeleteStreamAction());
        json(ops, "/updateStream", new UpdateStreamAction());
        json(ops, "/updateDataRetention", new UpdateDataRetentionAction());
        json(ops, "/tagStream", new TagStreamAction());
        json(ops, "/untagStream", new UntagStreamAction());
        json(ops, "/listTagsForStream", new ListTagsForStreamAction());
        json(ops, "/getDataEndpoint", new GetDataEndpointAction());
        json(ops, "/listFragments", new ListFragmentsAction());
        media(ops, "/getMedia", new GetMediaAction());
        media(ops, "/getMediaForFragmentList", new GetMediaForFragmentListAction());
        media(ops, "/getClip", new GetClipAction());
        json(ops, "/getImages", new GetImagesAction());
        json(ops, "/getHLSStreamingSessionURL", new GetHLSStreamingSessionURLAction());
        ops.putAll(new HlsEndpoints(this).operations());
        PutMediaAction putMedia = new PutMediaAction();
        ops.put("/putMedia", new RestOperation.Streaming(request -> putMedia.handle(request, this)));
        return ops;
    }

    private void json(Map<String, RestOperation> ops, String path, VideoAction action) {
        ops.put(path, new RestOperation.Json(action.input(), request -> action.handle(request, this)));
    }

    private void media(Map<String, RestOperation> ops, String path, VideoMediaAction action) {
        ops.put(path, new RestOperation.Media(action.input(), (request, response) -> action.handle(request, response, this)));
    }

    static ObjectNode object() {
        return NODES.objectNode();
    }

    static CompletableFuture<JsonNode> done(JsonNode response) {
        return CompletableFuture.completedFuture(response);
    }

    static ApiException notFound() {
        return new ApiException("ResourceNotFoundException", 404, "The requested stream is not found or not active.");
    }

    /** An HLS URL whose session cannot be served: players get 403, as from Kinesis Video Streams' own. */
    ApiException invalidSession(String message) {
        return new ApiException("NotAuthorizedException", 403, message);
    }

    static ApiException invalidArgument(String message) {
        return ApiException.invalidArgument(message);
    }

    /** The stream a request names by StreamName or StreamARN (exactly one), if it exists and is not being deleted. */
    VideoStream require(Request request) {
        return require(request.string("StreamName"), request.string("StreamARN"));
    }

    VideoStream require(String name, String arn) {
        if (name == null && arn == null) {
            throw invalidArgument("Either StreamName or StreamARN must be specified.");
        }
        if (name != null && arn != null) {
            throw invalidArgument("Specify either StreamName or StreamARN, not both.");
        }
        Optional<VideoStream> stream = name != null ? streams.find(name) : streams.findByArn(arn);
        return stream.filter(s -> !s.status().equals(VideoStream.DELETING)).orElseThrow(Video::notFound);
    }

    /** A stream that can take and serve media now. */
    VideoStream requireActive(Request request) {
        VideoStream stream = require(request);
        if (!stream.status().equals(VideoStream.ACTIVE)) {
            throw notFound();
        }
        return stream;
    }

    void checkVersion(VideoStream stream, String currentVersion) {
        if (currentVersion != null && !currentVersion.equals(stream.version())) {
            throw ApiException.badRequest("VersionMismatchException", "The stream version " + currentVersion
                    + " does not match the stream's current version " + stream.version() + ".");
        }
    }

    String arn(String name, long creationTime) {
        return "arn:aws:kinesisvideo:" + config.region + ":" + config.accountId + ":stream/" + name + "/" + creationTime;
    }

    String defaultKmsKey() {
        return "arn:aws:kms:" + config.region + ":" + config.accountId + ":alias/aws/kinesisvideo";
    }

    /** A new stream version: twenty letters and digits, as Kinesis Video Streams makes them. */
    static String newVersion() {
        StringBuilder b = new StringBuilder(20);
        for (int i = 0; i < 20; i++) {
            b.append(VERSION_CHARS.charAt(RANDOM.nextInt(VERSION_CHARS.length())));
        }
        return b.toString();
    }

    /** Epoch milliseconds as REST-JSON timestamps go: seconds, with their fraction. */
    static BigDecimal seconds(long epochMillis) {
        return BigDecimal.valueOf(epochMillis, 3);
    }

    static ObjectNode streamInfo(VideoStream s) {
        ObjectNode info = object();
        info.put("DeviceName", s.deviceName());
        info.put("StreamName", s.name());
        info.put("StreamARN", s.arn());
        info.put("MediaType", s.mediaType());
        info.put("KmsKeyId", s.kmsKeyId());
        info.put("Version", s.version());
        info.put("Status", s.status());
        info.put("CreationTime", seconds(s.creationTime()));
        info.put("DataRetentionInHours", s.dataRetentionInHours());
        return info;
    }

    /** The time of a fragment that a selector of this type reads: its server's or its producer's. */
    static long time(FragmentStore.Stored fragment, boolean server) {
        return server ? fragment.entry().serverTimestamp() : fragment.entry().producerTimestamp();
    }

    /** The fragments that play some of {@code [start, end]}, on the server's clock or the producer's. */
    static java.util.List<FragmentStore.Stored> overlapping(java.util.List<FragmentStore.Stored> all, boolean server, long start, long end) {
        return all.stream().filter(f -> time(f, server) <= end && time(f, server) + Math.max(1, f.entry().durationMillis()) > start).toList();
    }

    /** Archived media of a stream that keeps none: Kinesis Video Streams refuses it. */
    static void requireRetention(VideoStream stream) {
        if (stream.dataRetentionInHours() == 0) {
            throw ApiException.badRequest("NoDataRetentionException", "The stream " + stream.name()
                    + " does not retain data (its DataRetentionInHours is 0).");
        }
    }

    static ApiException noFragments() {
        return new ApiException("ResourceNotFoundException", 404, "No fragments found in the stream for the streaming request.");
    }

    static Map<String, String> tags(JsonNode tags) {
        Map<String, String> out = new java.util.TreeMap<>();
        if (tags != null) {
            tags.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        }
        return out;
    }
}
