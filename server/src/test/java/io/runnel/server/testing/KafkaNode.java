package io.runnel.server.testing;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * One node (broker and KRaft controller) of a Kafka cluster on loopback, in a process of its own so that a test can
 * kill it with SIGKILL. Arguments: node id, data dir, broker port, controller port, the quorum's voters
 * ({@code 1@127.0.0.1:port,...}) and the cluster id. Prints {@code KAFKA_NODE_READY} once it serves.
 */
public final class KafkaNode {

    private KafkaNode() {
    }

    public static void main(String[] args) throws Exception {
        int nodeId = Integer.parseInt(args[0]);
        Path logDir = Path.of(args[1]).toAbsolutePath();
        int port = Integer.parseInt(args[2]);
        int controllerPort = Integer.parseInt(args[3]);
        String voters = args[4];
        String clusterId = args[5];
        int nodes = voters.split(",").length;
        Files.createDirectories(logDir);

        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(nodeId));
        p.put("controller.quorum.voters", voters);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("auto.create.topics.enable", "false");
        p.put("offsets.topic.replication.factor", Integer.toString(Math.min(3, nodes)));
        p.put("transaction.state.log.replication.factor", Integer.toString(Math.min(3, nodes)));
        p.put("transaction.state.log.min.isr", Integer.toString(Math.min(2, nodes)));
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("message.max.bytes", Integer.toString(4 * 1024 * 1024));
        // A killed node is fenced, and its partitions led elsewhere, within seconds.
        p.put("broker.session.timeout.ms", "3000");
        p.put("broker.heartbeat.interval.ms", "500");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.put("log.cleaner.threads", "1");
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
        KafkaConfig config = KafkaConfig.fromProps(p);
        if (!Files.exists(logDir.resolve("meta.properties"))) {
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
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        System.out.println("KAFKA_NODE_READY");
        System.out.flush();
        server.awaitShutdown();
    }
}
