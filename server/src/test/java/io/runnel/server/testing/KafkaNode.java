package io.runnel.server.testing;

import io.runnel.server.EmbeddedKafka;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;

import java.nio.file.Files;
import java.nio.file.Path;
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
        Files.createDirectories(logDir);
        Properties p = EmbeddedKafka.nodeProperties(nodeId, voters, "127.0.0.1", "127.0.0.1", port, controllerPort, logDir);
        // A killed node is fenced, and its partitions led elsewhere, within seconds.
        p.put("broker.session.timeout.ms", "3000");
        p.put("broker.heartbeat.interval.ms", "500");
        EmbeddedKafka.formatOnce(logDir, clusterId, nodeId);
        KafkaConfig config = KafkaConfig.fromProps(p);
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        System.out.println("KAFKA_NODE_READY");
        System.out.flush();
        server.awaitShutdown();
    }
}
