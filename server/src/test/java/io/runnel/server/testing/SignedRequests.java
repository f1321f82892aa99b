package io.runnel.server.testing;

import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;

/** Hand-made requests signed as an AWS SDK signs them, with any key: what a test sends when it shapes the request itself. */
public final class SignedRequests {

    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();
    private static final AwsCredentialsIdentity ANY_KEY = AwsCredentialsIdentity.create("runnel", "runnel-secret");

    private SignedRequests() {
    }

    /** A POST of {@code body} to {@code uri} with these headers, signed for {@code service}. */
    public static HttpRequest.Builder post(URI uri, Map<String, String> headers, byte[] body, String service) {
        SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(uri);
        headers.forEach(unsigned::putHeader);
        SignedRequest signed = SIGNER.sign(r -> r.identity(ANY_KEY).request(unsigned.build())
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1"));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        signed.request().headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Host")) {
                values.forEach(v -> request.header(name, v));
            }
        });
        return request;
    }
}
