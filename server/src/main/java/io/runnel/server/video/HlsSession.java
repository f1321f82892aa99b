package io.runnel.server.video;

import com.fasterxml.jackson.databind.ObjectMapper;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * An HLS streaming session, carried in its URLs' SessionToken: what GetHLSStreamingSessionURL was asked, signed so
 * that a player can hold it but not change it. Every server that shares the same credentials setting signs alike,
 * so any of them serves a session another made.
 *
 * @param stream       the video stream's name
 * @param created      the video stream's creation time: a stream made again under the name is another stream
 * @param mode         LIVE, LIVE_REPLAY or ON_DEMAND
 * @param server       whether the range is of server timestamps (else producer timestamps)
 * @param start        the range's start in epoch milliseconds, or 0
 * @param end          the range's end in epoch milliseconds, or Long.MAX_VALUE
 * @param mpegTs       MPEG-TS segments rather than fragmented MP4
 * @param discontinuity ALWAYS, NEVER or ON_DISCONTINUITY
 * @param showTimes    whether playlists carry each fragment's time (EXT-X-PROGRAM-DATE-TIME)
 * @param maxFragments the most fragments a media playlist lists
 * @param issued       when the session began, epoch milliseconds
 * @param expires      when its URLs stop working, epoch milliseconds
 */
public record HlsSession(String stream, long created, String mode, boolean server, long start, long end, boolean mpegTs,
                         String discontinuity, boolean showTimes, int maxFragments, long issued, long expires) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder ENCODE = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODE = Base64.getUrlDecoder();

    /** Signs and verifies session tokens with a key made from the server's credentials setting. */
    public static final class Tokens {
        private final byte[] key;

        public Tokens(String credentialsSetting) {
            try {
                key = MessageDigest.getInstance("SHA-256").digest(("runnel-hls:" + (credentialsSetting == null ? "" : credentialsSetting))
                        .getBytes(StandardCharsets.UTF_8));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        public String token(HlsSession session) {
            try {
                String body = ENCODE.encodeToString(JSON.writeValueAsBytes(session));
                return body + "." + ENCODE.encodeToString(mac(body));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The session of a token, or null when the token is not one this server's setting signed. */
        public HlsSession session(String token) {
            int dot = token == null ? -1 : token.indexOf('.');
            if (dot < 0) {
                return null;
            }
            String body = token.substring(0, dot);
            try {
                if (!MessageDigest.isEqual(mac(body), DECODE.decode(token.substring(dot + 1)))) {
                    return null;
                }
                return JSON.readValue(DECODE.decode(body), HlsSession.class);
            } catch (IOException | IllegalArgumentException e) {
                return null;
            }
        }

        private byte[] mac(String body) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
                return mac.doFinal(body.getBytes(StandardCharsets.US_ASCII));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
