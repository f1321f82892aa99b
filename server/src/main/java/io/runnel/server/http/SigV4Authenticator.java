package io.runnel.server.http;

import io.vertx.core.http.HttpServerRequest;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.signer.Aws4Signer;
import software.amazon.awssdk.auth.signer.params.Aws4SignerParams;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.regions.Region;

import java.io.ByteArrayInputStream;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks AWS Signature Version 4 on requests when credentials are configured. The request is signed again
 * with the configured secret by the AWS SDK's own signer, over exactly the headers the client signed and
 * at the time the client signed, and the two signatures must match.
 */
public final class SigV4Authenticator {

    private static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256\\s+Credential=([^/,\\s]+)/(\\d{8})/([^/,\\s]+)/([^/,\\s]+)/aws4_request,\\s*"
                    + "SignedHeaders=([^,\\s]+),\\s*Signature=([0-9a-f]{64})");
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final Duration MAX_SKEW = Duration.ofMinutes(15);

    private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^,\\s]+)");

    /** Whose key signed a request, and for which service (the credential scope's service). */
    public record Scope(String accessKeyId, String service) {
    }

    private final Map<String, String> secrets;
    /**
     * The SDK's classic SigV4 signer signs exactly the headers it is given. Its successor always adds and
     * signs x-amz-content-sha256, which the AWS CLI does not send, so it cannot check the CLI's signatures.
     */
    @SuppressWarnings("deprecation")
    private final Aws4Signer signer = Aws4Signer.create();

    /** @param secrets secret access keys by access key id; empty accepts every request, signed or not */
    public SigV4Authenticator(Map<String, String> secrets) {
        this.secrets = Map.copyOf(secrets);
    }

    /** The secret access keys by access key id; empty when every request is taken. */
    public Map<String, String> secrets() {
        return secrets;
    }

    /** Parses {@code id:secret[,id:secret...]}, the form of the {@code auth} setting. */
    public static SigV4Authenticator of(String setting) {
        Map<String, String> secrets = new HashMap<>();
        if (setting != null && !setting.isBlank()) {
            for (String pair : setting.split(",")) {
                String[] parts = pair.trim().split(":", 2);
                if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
                    throw new IllegalArgumentException("auth takes accessKeyId:secretAccessKey pairs separated by commas");
                }
                secrets.put(parts[0], parts[1]);
            }
        }
        return new SigV4Authenticator(secrets);
    }

    /**
     * Refuses a request that carries no signature or a malformed one, as Kinesis does whether or not it would then
     * check the signature (any key is taken when no credentials are configured); then checks it against the
     * configured credentials, if there are any.
     */
    public void requireSigned(HttpServerRequest req, byte[] body) {
        String authorization = req.getHeader("Authorization");
        boolean presigned = req.params().contains("X-Amz-Algorithm");
        if (authorization != null && presigned) {
            throw ApiException.badRequest("InvalidSignatureException",
                    "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.");
        }
        if (authorization == null && !presigned) {
            throw ApiException.badRequest("MissingAuthenticationTokenException", "Missing Authentication Token");
        }
        StringBuilder missing = new StringBuilder();
        if (authorization != null) {
            Map<String, String> params = new HashMap<>();
            String[] words = authorization.split("[, ]");
            for (int i = 1; i < words.length; i++) {
                String[] kv = words[i].trim().split("=", 2);
                if (kv.length == 2 && !kv[1].isEmpty()) {
                    params.put(kv[0], kv[1]);
                }
            }
            for (String param : List.of("Credential", "Signature", "SignedHeaders")) {
                if (!params.containsKey(param)) {
                    missing.append("Authorization header requires '").append(param).append("' parameter. ");
                }
            }
            if (req.getHeader("X-Amz-Date") == null && req.getHeader("Date") == null) {
                missing.append("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ");
            }
            if (!missing.isEmpty()) {
                missing.append("Authorization=").append(authorization);
            }
        } else {
            for (String param : List.of("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date")) {
                String value = req.getParam(param);
                if (value == null || value.isEmpty()) {
                    missing.append("AWS query-string parameters must include '").append(param).append("'. ");
                }
            }
            if (!missing.isEmpty()) {
                missing.append("Re-examine the query-string parameters.");
            }
        }
        if (!missing.isEmpty()) {
            throw ApiException.badRequest("IncompleteSignatureException", missing.toString());
        }
        check(req, body);
    }

    /** The scope of a request's signature, from its Authorization header or presigned query; null when it has none. */
    public static Scope scope(HttpServerRequest req) {
        String credential = req.getParam("X-Amz-Credential");
        String authorization = req.getHeader("Authorization");
        if (authorization != null) {
            Matcher m = CREDENTIAL.matcher(authorization);
            credential = m.find() ? m.group(1) : null;
        }
        String[] parts = credential == null ? new String[0] : credential.split("/");
        return parts.length == 5 ? new Scope(parts[0], parts[3]) : null;
    }

    /** With credentials configured, refuses a request that is not signed with one of them; without, takes every request. */
    public void check(HttpServerRequest req, byte[] body) {
        if (secrets.isEmpty()) {
            return;
        }
        String authorization = req.getHeader("Authorization");
        if (authorization == null) {
            throw ApiException.badRequest("MissingAuthenticationTokenException", "Missing Authentication Token");
        }
        Matcher m = AUTHORIZATION.matcher(authorization.trim());
        String amzDate = req.getHeader("X-Amz-Date");
        if (!m.matches() || amzDate == null) {
            throw ApiException.badRequest("IncompleteSignatureException", "Authorization header requires 'Credential', "
                    + "'Signature' and 'SignedHeaders' parameters and an 'X-Amz-Date' header. Authorization=" + authorization);
        }
        String secret = secrets.get(m.group(1));
        if (secret == null) {
            throw ApiException.badRequest("UnrecognizedClientException", "The security token included in the request is invalid.");
        }
        Instant signedAt;
        try {
            signedAt = Instant.from(AMZ_DATE.parse(amzDate));
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("IncompleteSignatureException", "X-Amz-Date " + amzDate + " is not of the form yyyyMMdd'T'HHmmss'Z'.");
        }
        Instant now = Instant.now();
        if (Duration.between(signedAt, now).abs().compareTo(MAX_SKEW) > 0) {
            throw ApiException.badRequest("InvalidSignatureException", "Signature expired: " + amzDate
                    + " is now earlier than " + AMZ_DATE.format(now.minus(MAX_SKEW)) + " (" + AMZ_DATE.format(now) + " - 15 min.)");
        }
        if (!MessageDigest.isEqual(m.group(6).getBytes(StandardCharsets.US_ASCII),
                expectedSignature(req, body, m, secret, signedAt).getBytes(StandardCharsets.US_ASCII))) {
            throw ApiException.badRequest("InvalidSignatureException", "The request signature we calculated does not match "
                    + "the signature you provided. Check your AWS Secret Access Key and signing method. "
                    + "Consult the service documentation for details.");
        }
    }

    private String expectedSignature(HttpServerRequest req, byte[] body, Matcher m, String secret, Instant signedAt) {
        // HTTP/2 clients (the SDK's async client) send the host as the :authority pseudo-header.
        String hostHeader = req.getHeader("Host") != null ? req.getHeader("Host")
                : req.authority() != null ? req.authority().toString() : null;
        SdkHttpFullRequest.Builder request = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.fromValue(req.method().name()))
                .protocol("http")
                .host(hostHeader == null ? "localhost" : hostHeader.replaceFirst(":\\d+$", ""))
                .encodedPath(req.path())
                .contentStreamProvider(() -> new ByteArrayInputStream(body));
        if (hostHeader != null && hostHeader.matches(".*:\\d+$")) {
            request.port(Integer.parseInt(hostHeader.substring(hostHeader.lastIndexOf(':') + 1)));
        }
        String query = req.query();
        if (query != null) {
            for (String param : query.split("&")) {
                String[] kv = param.split("=", 2);
                request.appendRawQueryParameter(kv[0], kv.length > 1 ? kv[1] : null);
            }
        }
        for (String name : m.group(5).split(";")) {
            if (!name.equals("host")) {
                request.putHeader(name, req.headers().getAll(name));
            }
        }
        Aws4SignerParams params = Aws4SignerParams.builder()
                .awsCredentials(AwsBasicCredentials.create(m.group(1), secret))
                .signingName(m.group(4))
                .signingRegion(Region.of(m.group(3)))
                .signingClockOverride(Clock.fixed(signedAt, ZoneOffset.UTC))
                .build();
        String authorization = signer.sign(request.build(), params).firstMatchingHeader("Authorization").orElse("");
        return authorization.substring(authorization.lastIndexOf('=') + 1);
    }
}
