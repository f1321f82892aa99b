package io.runnel.server.video;

import io.runnel.core.SequenceNumber;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** The HLS playlists of a session, in the names Kinesis Video Streams gives their URLs (relative to /hls/v1/). */
public final class HlsPlaylists {

    /** Fragments closer than this to where the previous one ended are continuous with it. */
    private static final long CONTINUITY_SLACK_MS = 100;

    private HlsPlaylists() {
    }

    public static String master(String token, boolean mpegTs) {
        return "#EXTM3U\n#EXT-X-VERSION:" + (mpegTs ? 3 : 7) + "\n#EXT-X-INDEPENDENT-SEGMENTS\n"
                + "#EXT-X-STREAM-INF:BANDWIDTH=2000000\n"
                + "getHLSMediaPlaylist.m3u8?SessionToken=" + encode(token) + "\n";
    }

    /**
     * A media playlist of these fragments, in order.
     *
     * @param complete whether no fragment will be added (ON_DEMAND, or a LIVE_REPLAY past its end)
     */
    public static String media(String token, HlsSession session, List<FragmentStore.Stored> fragments, boolean complete) {
        StringBuilder m3u8 = new StringBuilder("#EXTM3U\n");
        m3u8.append("#EXT-X-VERSION:").append(session.mpegTs() ? 3 : 7).append('\n');
        long longest = fragments.stream().mapToLong(f -> f.entry().durationMillis()).max().orElse(1000);
        m3u8.append("#EXT-X-TARGETDURATION:").append(Math.max(1, (longest + 999) / 1000)).append('\n');
        long sequence = fragments.isEmpty() ? 0 : SequenceNumber.decode(fragments.get(0).fragmentNumber()).atOffset();
        m3u8.append("#EXT-X-MEDIA-SEQUENCE:").append(sequence).append('\n');
        if (session.mode().equals("ON_DEMAND")) {
            m3u8.append("#EXT-X-PLAYLIST-TYPE:VOD\n");
        }
        String encoded = encode(token);
        if (!session.mpegTs()) {
            m3u8.append("#EXT-X-MAP:URI=\"getMP4InitFragment.mp4?SessionToken=").append(encoded).append("\"\n");
        }
        FragmentStore.Stored previous = null;
        for (FragmentStore.Stored f : fragments) {
            if (previous != null && discontinuous(session.discontinuity(), previous, f)) {
                m3u8.append("#EXT-X-DISCONTINUITY\n");
            }
            if (session.showTimes()) {
                long time = session.server() ? f.entry().serverTimestamp() : f.entry().producerTimestamp();
                m3u8.append("#EXT-X-PROGRAM-DATE-TIME:").append(Instant.ofEpochMilli(time)).append('\n');
            }
            m3u8.append(String.format(Locale.ROOT, "#EXTINF:%.3f,%n", f.entry().durationMillis() / 1000.0));
            m3u8.append(session.mpegTs() ? "getTSFragment.ts" : "getMP4MediaFragment.mp4").append("?FragmentNumber=")
                    .append(f.fragmentNumber()).append("&SessionToken=").append(encoded).append('\n');
            previous = f;
        }
        if (complete) {
            m3u8.append("#EXT-X-ENDLIST\n");
        }
        return m3u8.toString();
    }

    private static boolean discontinuous(String mode, FragmentStore.Stored previous, FragmentStore.Stored next) {
        return switch (mode) {
            case "ALWAYS" -> true;
            case "NEVER" -> false;
            default -> next.entry().fragmentTimecode() <= previous.entry().fragmentTimecode()
                    || Math.abs(next.entry().producerTimestamp() - previous.entry().producerTimestamp()
                    - previous.entry().durationMillis()) > CONTINUITY_SLACK_MS;
        };
    }

    private static String encode(String token) {
        return URLEncoder.encode(token, StandardCharsets.UTF_8);
    }
}
