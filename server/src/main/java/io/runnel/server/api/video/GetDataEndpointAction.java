package io.runnel.server.api.video;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Every data-plane API is served on the main port, so the endpoint is this server's own. */
final class GetDataEndpointAction implements VideoAction {

    @Override
    public List<Member> input() {
        return List.of(VideoMembers.streamName(), VideoMembers.streamArn(),
                Member.string("APIName").required().oneOf("PUT_MEDIA", "GET_MEDIA", "LIST_FRAGMENTS", "GET_MEDIA_FOR_FRAGMENT_LIST",
                        "GET_HLS_STREAMING_SESSION_URL", "GET_DASH_STREAMING_SESSION_URL", "GET_CLIP", "GET_IMAGES"));
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Video video) {
        video.require(request);
        return Video.done(Video.object().put("DataEndpoint", video.dataEndpoint.toString()));
    }
}
