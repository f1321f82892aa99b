package io.runnel.server.api.video;

import io.runnel.server.api.RestOperation;
import io.runnel.server.http.ApiException;
import io.runnel.server.video.FragmentStore;
import io.runnel.server.video.HlsPlaylists;
import io.runnel.server.video.HlsSession;
import io.runnel.server.video.VideoStream;
import io.runnel.video.media.Remuxer;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The URLs an HLS session hands a player, GET requests authorized by their SessionToken: the master and media
 * playlists, and each fragment repackaged (not re-encoded) as fragmented MP4 or MPEG-TS when asked for.
 */
final class HlsEndpoints {

    static final String PREFIX = "/hls/v1/";

    private final Video video;

    HlsEndpoints(Video video) {
        this.video = video;
    }

    Map<String, RestOperation> operations() {
        return Map.of(
                PREFIX + "getHLSMasterPlaylist.m3u8", new RestOperation.Get(this::master),
                PREFIX + "getHLSMediaPlaylist.m3u8", new RestOperation.Get(this::mediaPlaylist),
                PREFIX + "getMP4InitFragment.mp4", new RestOperation.Get(this::init),
                PREFIX + "getMP4MediaFragment.mp4", new RestOperation.Get(this::mp4Fragment),
                PREFIX + "getTSFragment.ts", new RestOperation.Get(this::tsFragment));
    }

    private record Opened(HlsSession session, String token, VideoStream stream) {
    }

    private Opened open(HttpServerRequest request) {
        String token = request.getParam("SessionToken");
        HlsSession session = video.tokens.session(token);
        if (session == null) {
            throw video.invalidSession("The SessionToken is missing or not one this server issued.");
        }
        if (System.currentTimeMillis() > session.expires()) {
            throw video.invalidSession("The streaming session has expired.");
        }
        VideoStream stream = video.streams.find(session.stream()).filter(s -> s.creationTime() == session.created())
                .filter(s -> s.status().equals(VideoStream.ACTIVE)).orElseThrow(Video::notFound);
        return new Opened(session, token, stream);
    }

    private CompletableFuture<Void> master(HttpServerRequest request) {
        Opened o = open(request);
        send(request, "application/x-mpegURL", Buffer.buffer(HlsPlaylists.master(o.token(), o.session().mpegTs())));
        return CompletableFuture.completedFuture(null);
    }

    private CompletableFuture<Void> mediaPlaylist(HttpServerRequest request) {
        Opened o = open(request);
        return answer(request, "application/x-mpegURL", video.fragments.read(o.stream(), FragmentStore.Position.START).thenApply(read -> {
            HlsSession s = o.session();
            List<FragmentStore.Stored> chosen = switch (s.mode()) {
                case "LIVE" -> last(read.fragments(), s.maxFragments());
                case "LIVE_REPLAY" -> replayed(Video.overlapping(read.fragments(), s.server(), s.start(), s.end()), s);
                default -> first(Video.overlapping(read.fragments(), s.server(), s.start(), s.end()), s.maxFragments());
            };
            boolean complete = s.mode().equals("ON_DEMAND") || (s.mode().equals("LIVE_REPLAY") && s.end() != Long.MAX_VALUE
                    && System.currentTimeMillis() > s.end() && !chosen.isEmpty()
                    && chosen.get(chosen.size() - 1).equals(last(Video.overlapping(read.fragments(), s.server(), s.start(), s.end()), 1).get(0)));
            return Buffer.buffer(HlsPlaylists.media(o.token(), s, chosen, complete));
        }));
    }

    /** A replay moves on in real time from where it began: the window starts where the player has got to. */
    private static List<FragmentStore.Stored> replayed(List<FragmentStore.Stored> fragments, HlsSession s) {
        long played = System.currentTimeMillis() - s.issued();
        int from = 0;
        long elapsed = 0;
        while (from < fragments.size() - 1 && elapsed + fragments.get(from).entry().durationMillis() <= played) {
            elapsed += fragments.get(from).entry().durationMillis();
            from++;
        }
        return first(fragments.subList(from, fragments.size()), s.maxFragments());
    }

    private static List<FragmentStore.Stored> first(List<FragmentStore.Stored> fragments, int n) {
        return fragments.subList(0, Math.min(n, fragments.size()));
    }

    private static List<FragmentStore.Stored> last(List<FragmentStore.Stored> fragments, int n) {
        return fragments.subList(Math.max(0, fragments.size() - n), fragments.size());
    }

    private CompletableFuture<Void> init(HttpServerRequest request) {
        Opened o = open(request);
        return answer(request, "video/mp4", video.fragments.read(o.stream(), FragmentStore.Position.START).thenCompose(read -> {
            if (read.fragments().isEmpty()) {
                throw Video.noFragments();
            }
            return segment(read.fragments().get(read.fragments().size() - 1), bytes -> Remuxer.fragmentedMp4(bytes).init());
        }));
    }

    private CompletableFuture<Void> mp4Fragment(HttpServerRequest request) {
        Opened o = open(request);
        return answer(request, "video/mp4", fragment(o, request).thenCompose(f -> segment(f, bytes -> Remuxer.fragmentedMp4(bytes).media())));
    }

    private CompletableFuture<Void> tsFragment(HttpServerRequest request) {
        Opened o = open(request);
        return answer(request, "video/MP2T", fragment(o, request).thenCompose(f -> segment(f, Remuxer::transportStream)));
    }

    private CompletableFuture<FragmentStore.Stored> fragment(Opened o, HttpServerRequest request) {
        String number = request.getParam("FragmentNumber");
        if (number == null) {
            throw Video.invalidArgument("FragmentNumber is required.");
        }
        return video.fragments.find(o.stream(), number).thenApply(f -> f.orElseThrow(() ->
                new ApiException("ResourceNotFoundException", 404, "No fragment " + number + " in the stream.")));
    }

    private CompletableFuture<Buffer> segment(FragmentStore.Stored fragment, Function<byte[], byte[]> repackage) {
        return video.fragments.bytes(fragment).thenCompose(bytes -> video.fragments.onMedia(() -> Buffer.buffer(repackage.apply(bytes))));
    }

    /** Sends the body once it is made, on the request's event loop; a failure goes back as the API's error. */
    private static CompletableFuture<Void> answer(HttpServerRequest request, String contentType, CompletableFuture<Buffer> body) {
        Context context = Vertx.currentContext();
        return body.thenAccept(buffer -> context.runOnContext(v -> send(request, contentType, buffer)));
    }

    /** Players in web pages of any origin (hls.js) may fetch it: the token in the URL is what authorizes. */
    private static void send(HttpServerRequest request, String contentType, Buffer body) {
        request.response().putHeader("Content-Type", contentType).putHeader("Access-Control-Allow-Origin", "*").end(body);
    }
}
