package io.runnel.server;

import io.runnel.core.MetadataLog;
import io.runnel.server.api.kinesis.Kinesis;
import io.runnel.server.http.ApiHttpServer;
import io.runnel.server.http.SigV4Authenticator;
import io.runnel.server.streams.RecordWriter;
import io.runnel.server.streams.ShardReader;
import io.runnel.server.streams.Streams;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.ArrayDeque;
import java.util.Deque;

/** A running Runnel server: Kafka (embedded or not), the metadata log, and the API over HTTP. */
public final class RunnelServer implements AutoCloseable {

    private final Deque<AutoCloseable> parts = new ArrayDeque<>();
    private final String bootstrapServers;
    private final int port;

    private RunnelServer(RunnelConfig config) throws Exception {
        try {
            if (config.kafka == null) {
                EmbeddedKafka kafka = EmbeddedKafka.start(config.dataDir, config.host, config.kafkaPort);
                parts.push(kafka);
                bootstrapServers = kafka.bootstrapServers();
            } else {
                bootstrapServers = config.kafka;
            }
            MetadataLog metadata = new MetadataLog(bootstrapServers, config.metadataTopic);
            parts.push(metadata);
            metadata.start(Duration.ofSeconds(60));
            Streams streams = new Streams(config, metadata, bootstrapServers);
            parts.push(streams);
            RecordWriter writer = new RecordWriter(bootstrapServers);
            parts.push(writer);
            ShardReader reader = new ShardReader(bootstrapServers, 4);
            parts.push(reader);
            Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(4));
            parts.push(() -> vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
            Kinesis kinesis = new Kinesis(config, streams, writer, reader);
            ApiHttpServer http = new ApiHttpServer(vertx, kinesis.services(), SigV4Authenticator.of(config.auth));
            parts.push(http);
            port = http.start(config.host, config.port);
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    public static RunnelServer start(RunnelConfig config) throws Exception {
        return new RunnelServer(config);
    }

    public int port() {
        return port;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Stops the parts in the reverse order of their start: the API first, Kafka last. */
    @Override
    public void close() {
        while (!parts.isEmpty()) {
            try {
                parts.pop().close();
            } catch (Exception e) {
                org.slf4j.LoggerFactory.getLogger(RunnelServer.class).warn("could not stop cleanly", e);
            }
        }
    }
}
