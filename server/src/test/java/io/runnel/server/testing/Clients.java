package io.runnel.server.testing;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.awaitility.Awaitility.await;

/** AWS SDK for Java v2 clients pointed at a Runnel endpoint, in each of the ways users build them. */
public final class Clients {

    public enum Mode { SYNC_CBOR, SYNC_JSON, ASYNC }

    private static final AwsBasicCredentials ANY_KEY = AwsBasicCredentials.create("runnel", "runnel-secret");
    private static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(ANY_KEY);

    private Clients() {
    }

    /** A sync client; CBOR is the SDK's default wire format, JSON what it speaks with CBOR disabled. */
    public static KinesisClient sync(URI endpoint, boolean cbor) {
        return sync(endpoint, cbor, CREDENTIALS);
    }

    private static KinesisClient sync(URI endpoint, boolean cbor, StaticCredentialsProvider credentials) {
        return KinesisClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(64))
                .overrideConfiguration(c -> c.addExecutionInterceptor(new ExpectContentType(cbor)))
                .build();
    }

    public static KinesisAsyncClient async(URI endpoint) {
        return async(endpoint, CREDENTIALS);
    }

    private static KinesisAsyncClient async(URI endpoint, StaticCredentialsProvider credentials) {
        return KinesisAsyncClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials)
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency(64)
                        .connectionAcquisitionTimeout(Duration.ofSeconds(30)))
                .build();
    }

    /**
     * A client of the given mode behind the sync interface, so one scenario can drive all three. The async
     * client's calls are awaited and their failures rethrown as the sync client would throw them.
     */
    public static KinesisClient of(Mode mode, URI endpoint) {
        return of(mode, endpoint, ANY_KEY);
    }

    public static KinesisClient of(Mode mode, URI endpoint, AwsBasicCredentials credentials) {
        StaticCredentialsProvider provider = StaticCredentialsProvider.create(credentials);
        return switch (mode) {
            case SYNC_CBOR -> sync(endpoint, true, provider);
            case SYNC_JSON -> sync(endpoint, false, provider);
            case ASYNC -> awaiting(async(endpoint, provider));
        };
    }

    private static KinesisClient awaiting(KinesisAsyncClient async) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().equals("close") || method.getName().equals("serviceName")) {
                return method.invoke(async, args);
            }
            Method target = KinesisAsyncClient.class.getMethod(method.getName(), method.getParameterTypes());
            try {
                return ((CompletableFuture<?>) target.invoke(async, args)).join();
            } catch (CompletionException e) {
                throw e.getCause();
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (KinesisClient) Proxy.newProxyInstance(Clients.class.getClassLoader(), new Class<?>[] {KinesisClient.class}, handler);
    }

    /** Fails a call whose request does not travel in the wire format the test means to exercise. */
    private record ExpectContentType(boolean cbor) implements ExecutionInterceptor {
        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            String type = context.httpRequest().firstMatchingHeader("Content-Type").orElse("");
            String expected = cbor ? "application/x-amz-cbor-1.1" : "application/x-amz-json-1.1";
            if (!type.startsWith(expected)) {
                throw new IllegalStateException("request sent as " + type + ", expected " + expected);
            }
        }
    }

    /** Waits (at most 30 s) until the stream is ACTIVE, as a user polls DescribeStreamSummary. */
    public static void awaitActive(KinesisClient kinesis, String stream) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() ->
                kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
    }
}
