package io.runnel.server.console;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServerRequest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may see the console and {@code /metrics} when the server checks credentials ({@code --auth}): a console
 * signs in once with an access key id and its secret and then carries a session cookie (HttpOnly, SameSite=Strict, so
 * no other site's page can use it); a scraper sends the same pair as HTTP basic auth, as Prometheus's {@code basic_auth}
 * does. Without {@code --auth}, as the API, everything is open.
 */
final class ConsoleSessions {

    static final String COOKIE = "runnel-session";
    /** A session lasts a working day; signing in again starts a new one. */
    static final long LIFETIME_MS = 12 * 60 * 60 * 1000L;
    /** Sessions are few (one per browser); past this many the oldest is dropped, so sign-ins cannot grow memory. */
    static final int MAX_SESSIONS = 1000;

    private final Map<String, String> secrets;
    private final Map<String, Long> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    /** @param secrets secret access keys by access key id; empty means the server checks no credentials */
    ConsoleSessions(Map<String, String> secrets) {
        this.secrets = Map.copyOf(secrets);
    }

    boolean open() {
        return secrets.isEmpty();
    }

    /** Whether the pair is one the server was given. */
    boolean valid(String accessKeyId, String secret) {
        String expected = accessKeyId == null ? null : secrets.get(accessKeyId);
        return expected != null && secret != null
                && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), secret.getBytes(StandardCharsets.UTF_8));
    }

    /** A new session's cookie. */
    Cookie start() {
        long now = System.currentTimeMillis();
        sessions.values().removeIf(expiry -> expiry < now);
        if (sessions.size() >= MAX_SESSIONS) {
            sessions.entrySet().stream().min(Map.Entry.comparingByValue()).ifPresent(oldest -> sessions.remove(oldest.getKey()));
        }
        byte[] token = new byte[32];
        random.nextBytes(token);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(token);
        sessions.put(id, now + LIFETIME_MS);
        return Cookie.cookie(COOKIE, id).setHttpOnly(true).setSameSite(CookieSameSite.STRICT).setPath("/")
                .setMaxAge(LIFETIME_MS / 1000);
    }

    private boolean live(String session) {
        Long expiry = sessions.get(session);
        return expiry != null && expiry >= System.currentTimeMillis();
    }

    /** Whether the session the request came with still stands, asked later (by a console's event stream, each second). */
    java.util.function.BooleanSupplier stillAllowed(HttpServerRequest req) {
        if (open()) {
            return () -> true;
        }
        Cookie cookie = req.getCookie(COOKIE);
        String session = cookie == null ? null : cookie.getValue();
        return () -> session != null && live(session);
    }

    void end(HttpServerRequest req) {
        Cookie cookie = req.getCookie(COOKIE);
        if (cookie != null) {
            sessions.remove(cookie.getValue());
        }
    }

    /**
     * Whether the request may read: no credentials are checked, or it carries a live session, or ({@code basic} allowed)
     * the right basic auth.
     */
    boolean allowed(HttpServerRequest req, boolean basic) {
        if (open()) {
            return true;
        }
        Cookie cookie = req.getCookie(COOKIE);
        if (cookie != null && live(cookie.getValue())) {
            return true;
        }
        String authorization = req.getHeader("Authorization");
        if (basic && authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String pair = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                return colon > 0 && valid(pair.substring(0, colon), pair.substring(colon + 1));
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return false;
    }
}
