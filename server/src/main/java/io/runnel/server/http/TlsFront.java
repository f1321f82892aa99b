package io.runnel.server.http;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The HTTPS port: ends TLS and passes each connection's bytes on to the plain port, which tells HTTP/1.1 from HTTP/2 by
 * what the client sends. HTTP/2 then works whether the client asked for it through ALPN or not: the AWS SDK's HTTP/2
 * client (the one Kinesis consumers use) sends its preface without asking, and an HTTP server choosing by ALPN alone
 * would take it for HTTP/1.1.
 */
final class TlsFront implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TlsFront.class);

    private final NetServer server;
    private final NetClient client;

    private TlsFront(NetServer server, NetClient client) {
        this.server = server;
        this.client = client;
    }

    /** Listens on {@code host:port} (0 picks a free port) and passes connections to {@code plainHost:plainPort}. */
    static TlsFront start(Vertx vertx, String host, int port, ServerCertificate certificate, String plainHost, int plainPort)
            throws Exception {
        NetServerOptions options = new NetServerOptions().setHost(host).setPort(port).setSsl(true).setUseAlpn(true)
                .setKeyCertOptions(certificate.options()).setTcpNoDelay(true);
        options.getSslOptions().setApplicationLayerProtocols(List.of("h2", "http/1.1"));
        NetClient client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(10_000));
        NetServer server = vertx.createNetServer(options).connectHandler(front -> {
            front.pause(); // until the plain port takes the connection, so that nothing the client sends is lost
            client.connect(plainPort, plainHost).onComplete(connected -> {
                if (connected.failed()) {
                    LOG.warn("HTTPS connection from {} closed: the plain port {} refused it", front.remoteAddress(), plainPort,
                            connected.cause());
                    front.close();
                    return;
                }
                NetSocket back = connected.result();
                front.pipeTo(back).onFailure(e -> closeBoth(front, back, e));
                back.pipeTo(front).onFailure(e -> closeBoth(front, back, e));
            });
        });
        server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return new TlsFront(server, client);
    }

    private static void closeBoth(NetSocket front, NetSocket back, Throwable cause) {
        LOG.debug("HTTPS connection from {} broke off: {}", front.remoteAddress(), cause.toString());
        front.close();
        back.close();
    }

    int port() {
        return server.actualPort();
    }

    @Override
    public void close() {
        try {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("HTTPS port did not stop cleanly", e);
        }
        client.close();
    }
}
