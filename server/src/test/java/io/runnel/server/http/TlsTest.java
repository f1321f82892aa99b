package io.runnel.server.http;

import io.runnel.server.testing.Clients;
import io.runnel.server.testing.RunnelServerExtension;
import io.runnel.server.testing.SignedRequests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The API over HTTPS: a client that trusts the server's certificate speaks HTTP/1.1 or HTTP/2 to it. */
@ExtendWith(RunnelServerExtension.class)
class TlsTest {

    @Test
    void theSdkPutsAndGetsOverHttpsTrustingTheGeneratedCertificate() throws Exception {
        RunnelServerExtension.Running running = RunnelServerExtension.server();
        ServerCertificate tls = running.server.tls();
        assertThat(tls.certificate()).isEqualTo(running.config.dataDir.resolve("tls/runnel-cert.pem"));
        assertThat(tls.fingerprint()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
        URI https = URI.create("https://127.0.0.1:" + running.server.tlsPort());
        TrustManager[] trusting = trusting(tls.certificate());
        try (KinesisClient kinesis = KinesisClient.builder().endpointOverride(https).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("runnel", "runnel")))
                .httpClientBuilder(ApacheHttpClient.builder().tlsTrustManagersProvider(() -> trusting)).build()) {
            kinesis.createStream(b -> b.streamName("over-tls").shardCount(1));
            Clients.awaitActive(kinesis, "over-tls");
            String shard = kinesis.putRecord(b -> b.streamName("over-tls").partitionKey("k").data(SdkBytes.fromUtf8String("secret")))
                    .shardId();
            String iterator = kinesis.getShardIterator(b -> b.streamName("over-tls").shardId(shard)
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            assertThat(kinesis.getRecords(b -> b.shardIterator(iterator)).records())
                    .extracting(r -> r.data().asUtf8String()).containsExactly("secret");
        }
        try (KinesisAsyncClient h2 = KinesisAsyncClient.builder().endpointOverride(https).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("runnel", "runnel")))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP2).tlsTrustManagersProvider(() -> trusting))
                .build()) {
            assertThat(h2.listStreams().join().streamNames()).contains("over-tls");
        }
    }

    @Test
    void alpnOffersHttp2AndHttp11() throws Exception {
        RunnelServerExtension.Running running = RunnelServerExtension.server();
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trusting(running.server.tls().certificate()), null);
        URI https = URI.create("https://127.0.0.1:" + running.server.tlsPort() + "/");
        for (HttpClient.Version version : List.of(HttpClient.Version.HTTP_2, HttpClient.Version.HTTP_1_1)) {
            HttpClient client = HttpClient.newBuilder().sslContext(context).version(version).connectTimeout(Duration.ofSeconds(10)).build();
            HttpRequest request = SignedRequests.post(https, Map.of("Content-Type", "application/x-amz-json-1.1",
                    "X-Amz-Target", "Kinesis_20131202.ListStreams"), "{}".getBytes(), "kinesis").build();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.version()).isEqualTo(version);
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateIsRefused() throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + RunnelServerExtension.server().server.tlsPort() + "/"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        assertThatThrownBy(() -> client.send(request, HttpResponse.BodyHandlers.ofString())).isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void theSelfSignedPairIsMadeOnceAndKept(@TempDir Path dir) throws Exception {
        // "cafe" is all hex digits, yet a host name, not an IPv6 address.
        ServerCertificate first = ServerCertificate.selfSigned(dir, "cafe");
        ServerCertificate again = ServerCertificate.selfSigned(dir, "cafe");
        assertThat(again.fingerprint()).isEqualTo(first.fingerprint());
        X509Certificate cert = (X509Certificate) load(first.certificate());
        assertThat(cert.getSubjectAlternativeNames()).extracting(n -> n.get(1).toString())
                .contains("localhost", "127.0.0.1", "cafe");
        if (first.key().getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(first.key())))
                    .as("the private key's permissions").isEqualTo("rw-------");
        }
        assertThat(Files.readString(first.key())).startsWith("-----BEGIN PRIVATE KEY-----");
    }

    @Test
    void aGivenCertificateNeedsItsKey(@TempDir Path dir) throws Exception {
        ServerCertificate made = ServerCertificate.selfSigned(dir, "127.0.0.1");
        assertThat(ServerCertificate.given(made.certificate(), made.key()).fingerprint()).isEqualTo(made.fingerprint());
        assertThatThrownBy(() -> ServerCertificate.given(made.certificate(), null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--tls-cert and --tls-key go together");
        assertThatThrownBy(() -> ServerCertificate.given(made.certificate(), dir.resolve("missing.pem")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.pem");
    }

    private static TrustManager[] trusting(Path pem) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        store.setCertificateEntry("runnel", load(pem));
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory.getTrustManagers();
    }

    private static Certificate load(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
