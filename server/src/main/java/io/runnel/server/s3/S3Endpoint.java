package io.runnel.server.s3;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.filesystem.reference.FilesystemConstants;
import org.jclouds.logging.slf4j.config.SLF4JLoggingModule;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * The S3-compatible endpoint of {@code runnel up}: S3Proxy over jclouds' filesystem store, a bucket per
 * folder of {@code dir}, an object per file. Without keys it accepts any credentials, signed or not, as the
 * API does without {@code --auth}; with a key, only requests SigV2- or SigV4-signed by it.
 */
public final class S3Endpoint implements AutoCloseable {

    private final BlobStoreContext context;
    private final S3Proxy proxy;
    private final URI endpoint;

    private S3Endpoint(BlobStoreContext context, S3Proxy proxy, URI endpoint) {
        this.context = context;
        this.proxy = proxy;
        this.endpoint = endpoint;
    }

    /** @param key {accessKeyId, secret}, or null to accept any credentials */
    public static S3Endpoint start(Path dir, String host, int port, String[] key) throws Exception {
        Path base = Files.createDirectories(dir.toAbsolutePath());
        Properties properties = new Properties();
        properties.setProperty(FilesystemConstants.PROPERTY_BASEDIR, base.toString());
        BlobStoreContext context = ContextBuilder.newBuilder("filesystem")
                .modules(List.of(new SLF4JLoggingModule()))
                .overrides(properties)
                .build(BlobStoreContext.class);
        S3Proxy proxy;
        try {
            S3Proxy.Builder builder = S3Proxy.builder()
                    .blobStore(context.getBlobStore())
                    .endpoint(URI.create("http://" + host + ":" + port))
                    // Newer AWS SDKs send checksum headers that S3Proxy does not know and would refuse.
                    .ignoreUnknownHeaders(true)
                    .jettyMaxThreads(32);
            builder = key == null ? builder.awsAuthentication(AuthenticationType.NONE, null, null)
                    : builder.awsAuthentication(AuthenticationType.AWS_V2_OR_V4, key[0], key[1]);
            proxy = builder.build();
            proxy.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!"STARTED".equals(proxy.getState())) {
                if ("FAILED".equals(proxy.getState()) || System.nanoTime() > deadline) {
                    proxy.stop();
                    throw new TimeoutException("the S3 endpoint did not start on " + host + ":" + port + " (state " + proxy.getState() + ")");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
        } catch (Exception e) {
            context.close();
            throw e;
        }
        return new S3Endpoint(context, proxy, URI.create("http://" + host + ":" + proxy.getPort()));
    }

    public URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() throws Exception {
        try {
            proxy.stop();
        } finally {
            context.close();
        }
    }
}
