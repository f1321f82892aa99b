package io.runnel.connectors;

import io.runnel.server.testing.Clients;
import io.runnel.server.testing.RunnelServerExtension;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/** A Flink MiniCluster, a real Runnel server, and a Kinesis client to make and fill streams with. */
@ExtendWith(RunnelServerExtension.class)
public abstract class ConnectorTestBase {

    @RegisterExtension
    public static final MiniClusterExtension FLINK = TestStreams.miniCluster();

    protected static KinesisClient kinesis;

    @BeforeAll
    static void client() {
        kinesis = Clients.sync(RunnelServerExtension.server().endpoint(), true);
    }

    @AfterAll
    static void close() {
        kinesis.close();
    }
}
