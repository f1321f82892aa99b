package io.runnel.server;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/** A single-node Kafka (combined broker and KRaft controller) running inside the server's JVM. */
public final class EmbeddedKafka implements AutoCloseable {

    private final KafkaRaftServer server;
    private final String bootstrapServers;

    private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Starts a broker whose data lives in {@code dataDir}, formatting the directory on first use; it listens on
     * {@code host} and tells clients to reach it at {@code advertisedHost}.
     */
    public static EmbeddedKafka start(Path dataDir, String host, String advertisedHost, int port) throws Exception {
        Path logDir = dataDir.toAbsolutePath().resolve("kafka");
        Files.createDirectories(logDir);
        int brokerPort = port == 0 ? RunnelServer.freePort(host) : port;
        int controllerPort = RunnelServer.freePort(host);

        KafkaConfig config = KafkaConfig.fromProps(nodeProperties(1, "1@" + host + ":" + controllerPort, host, advertisedHost,
                brokerPort, controllerPort, logDir));
        formatOnce(logDir, Uuid.randomUuid().toString(), 1);
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        return new EmbeddedKafka(server, advertisedHost + ":" + brokerPort);
    }

    /**
     * The settings of one node (broker and KRaft controller) of a cluster whose controllers are {@code voters}
     * ({@code id@host:port,...}); internal topics are replicated to as many nodes as there are, up to three.
     */
    public static Properties nodeProperties(int nodeId, String voters, String host, String advertisedHost, int port,
                                            int controllerPort, Path logDir) {
        int replicas = Math.min(3, voters.split(",").length);
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(nodeId));
        p.put("controller.quorum.voters", voters);
        p.put("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + advertisedHost + ":" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("num.partitions", "1");
        p.put("auto.create.topics.enable", "false");
        p.put("offsets.topic.replication.factor", Integer.toString(replicas));
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", Integer.toString(replicas));
        p.put("transaction.state.log.min.isr", Integer.toString(Math.min(2, replicas)));
        p.put("transaction.state.log.num.partitions", "4");
        // Flink's KafkaSink asks for one-hour transactions by default, beyond Kafka's default 15-minute cap.
        p.put("transaction.max.timeout.ms", Long.toString(java.time.Duration.ofHours(1).toMillis()));
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("log.retention.check.interval.ms", "60000");
        // Room for a 1 MiB record plus its partition key and batch overhead.
        p.put("message.max.bytes", Integer.toString(4 * 1024 * 1024));
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("background.threads", "2");
        p.put("log.cleaner.threads", "1");
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
        return p;
    }

    /** Formats a node's log directory for the cluster, unless it already is. */
    public static void formatOnce(Path logDir, String clusterId, int nodeId) throws Exception {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setClusterId(clusterId)
                .setNodeId(nodeId)
                .setControllerListenerName("CONTROLLER")
                .setMetadataLogDirectory(logDir.toString())
                .setDirectories(List.of(logDir.toString()))
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .run();
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
