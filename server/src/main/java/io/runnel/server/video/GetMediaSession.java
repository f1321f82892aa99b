package io.runnel.server.video;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One GetMedia response: the stream's fragments from where the selector pointed, then new ones as they are stored,
 * until none has come for {@link #IDLE_END_MS}. The last fragment's continuation token resumes where it ended.
 */
public final class GetMediaSession {

    /** A caught-up response ends after this long without a new fragment. */
    public static final long IDLE_END_MS = 5_000;
    private static final long POLL_MS = 200;

    private final VideoStream stream;
    private final FragmentStore store;
    private final MediaWriter writer;
    private FragmentStore.Position position;
    private long lastNewAt = System.currentTimeMillis();

    private GetMediaSession(VideoStream stream, FragmentStore store, MediaWriter writer, FragmentStore.Position position) {
        this.stream = stream;
        this.store = store;
        this.writer = writer;
        this.position = position;
    }

    /** Begins the response with the fragments of {@code first} and goes on live from {@code position}. */
    public static void start(VideoStream stream, FragmentStore store, MediaWriter writer, List<FragmentStore.Stored> first,
                             FragmentStore.Position position) {
        GetMediaSession session = new GetMediaSession(stream, store, writer, position);
        writer.begin();
        session.send(first).whenComplete((v, e) -> session.follow(e));
    }

    private CompletableFuture<Void> send(List<FragmentStore.Stored> fragments) {
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (FragmentStore.Stored f : fragments) {
            chain = chain.thenCompose(v -> writer.clientGone() ? CompletableFuture.completedFuture(null) : writer.write(f)
                    .thenRun(() -> lastNewAt = System.currentTimeMillis()));
        }
        return chain;
    }

    private void follow(Throwable error) {
        if (error != null) {
            writer.abort(error);
            return;
        }
        if (writer.clientGone()) {
            return;
        }
        if (System.currentTimeMillis() - lastNewAt >= IDLE_END_MS) {
            writer.end();
            return;
        }
        writer.context().owner().setTimer(POLL_MS, id -> store.read(stream, position).thenCompose(read -> {
            position = read.position();
            // What a read from the last position finds is new, whatever its timestamps say.
            return send(read.fragments());
        }).whenComplete((v, e) -> writer.context().runOnContext(x -> follow(e))));
    }
}
