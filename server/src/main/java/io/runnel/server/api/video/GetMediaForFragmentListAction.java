package io.runnel.server.api.video;

import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.http.ApiException;
import io.runnel.server.video.FragmentStore;
import io.runnel.server.video.MediaWriter;
import io.runnel.server.video.VideoStream;
import io.vertx.core.http.HttpServerResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The listed fragments, in the order listed, as GetMedia serves them; every one must exist. */
final class GetMediaForFragmentListAction implements VideoMediaAction {

    @Override
    public List<Member> input() {
        return List.of(VideoMembers.streamName(), VideoMembers.streamArn(),
                Member.list("Fragments", VideoMembers.fragmentNumber("member")).required().length(1, 1000));
    }

    @Override
    public CompletableFuture<Void> handle(Request request, HttpServerResponse response, Video video) {
        VideoStream stream = video.require(request);
        List<String> numbers = new ArrayList<>();
        request.node("Fragments").forEach(n -> numbers.add(n.asText()));
        List<CompletableFuture<Optional<FragmentStore.Stored>>> found = numbers.stream()
                .map(n -> video.fragments.find(stream, n)).toList();
        MediaWriter writer = new MediaWriter(response, video.fragments);
        return CompletableFuture.allOf(found.toArray(CompletableFuture[]::new)).thenAccept(v -> {
            List<FragmentStore.Stored> fragments = new ArrayList<>();
            for (int i = 0; i < numbers.size(); i++) {
                fragments.add(found.get(i).join().orElseThrow(() -> new ApiException("ResourceNotFoundException", 404,
                        "No fragment " + numbers.get(fragments.size()) + " in the stream.")));
            }
            writer.context().runOnContext(x -> {
                writer.begin();
                CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
                for (FragmentStore.Stored f : fragments) {
                    chain = chain.thenCompose(y -> writer.write(f));
                }
                chain.whenComplete((y, e) -> {
                    if (e != null) {
                        writer.abort(e);
                    } else {
                        writer.end();
                    }
                });
            });
        });
    }
}
