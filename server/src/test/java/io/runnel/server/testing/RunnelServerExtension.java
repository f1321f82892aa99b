package io.runnel.server.testing;

import io.runnel.server.RunnelConfig;
import io.runnel.server.RunnelServer;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Starts one real Runnel server (embedded KRaft broker, API on a free port of 127.0.0.1) for all the tests
 * of a JVM, and stops it when they are done. Tests give their streams unique names.
 */
public final class RunnelServerExtension implements BeforeAllCallback {

    private static final Object LOCK = new Object();

    public static final class Running implements ExtensionContext.Store.CloseableResource {
        public final RunnelServer server;
        public final RunnelConfig config;
        private final Path dataDir;

        Running(RunnelServer server, RunnelConfig config, Path dataDir) {
            this.server = server;
            this.config = config;
            this.dataDir = dataDir;
        }

        public URI endpoint() {
            return URI.create("http://127.0.0.1:" + server.port());
        }

        @Override
        public void close() throws IOException {
            server.close();
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static volatile Running running;

    /** The shared server, started on first use. */
    public static Running server() {
        return running;
    }

    /**
     * The settings of a server for tests: free ports, short state changes, no Flink runtime. With {@code kafka}
     * unset it starts its own broker.
     */
    public static RunnelConfig testConfig(Path dataDir) {
        RunnelConfig config = new RunnelConfig();
        config.dataDir = dataDir;
        config.port = 0;
        config.s3Port = 0;
        config.tlsPort = 0;
        config.flink = "none";
        config.createStreamDelay = Duration.ofMillis(100);
        config.updateStreamDelay = Duration.ofMillis(100);
        config.deleteStreamDelay = Duration.ofMillis(100);
        return config;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        synchronized (LOCK) {
            if (running == null) {
                Path dir = Files.createTempDirectory("runnel-test");
                RunnelConfig config = testConfig(dir);
                config.kafkaPort = 0;
                running = new Running(RunnelServer.start(config), config, dir);
                context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).put("runnel-server", running);
            }
        }
    }
}
