package io.runnel.server.api.video;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.http.ApiException;
import io.runnel.server.video.VideoStream;
import io.runnel.server.video.VideoStreams;
import io.runnel.video.index.FragmentIndex;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

final class CreateStreamAction implements VideoAction {

    /** Ten years, the longest retention Kinesis Video Streams takes. */
    static final int MAX_RETENTION_HOURS = 87_600;

    @Override
    public List<Member> input() {
        return List.of(VideoMembers.deviceName(), VideoMembers.streamName().required(), VideoMembers.mediaType(),
                Member.string("KmsKeyId").length(1, 2048).pattern(".+"),
                Member.integer("DataRetentionInHours").minimum(0),
                VideoMembers.tags(),
                Member.structure("StreamStorageConfiguration", Member.string("DefaultStorageTier").required().oneOf("HOT", "WARM")));
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Video video) {
        String name = request.string("StreamName");
        int retention = request.integer("DataRetentionInHours", 0);
        if (retention > MAX_RETENTION_HOURS) {
            throw Video.invalidArgument("DataRetentionInHours can be at most " + MAX_RETENTION_HOURS + " hours (ten years).");
        }
        Map<String, String> tags = Video.tags(request.node("Tags"));
        String kms = request.has("KmsKeyId") ? request.string("KmsKeyId") : video.defaultKmsKey();
        return video.streams.change(() -> {
            long now = System.currentTimeMillis();
            VideoStream stream = new VideoStream(name, video.arn(name, now), request.string("DeviceName"), request.string("MediaType"),
                    kms, Video.newVersion(), VideoStream.CREATING, now, retention, tags, FragmentIndex.streamName(name));
            String refused = video.streams.create(stream);
            if (refused != null) {
                throw ApiException.resourceInUse(refused);
            }
            return (JsonNode) Video.object().put("StreamARN", stream.arn());
        });
    }
}
