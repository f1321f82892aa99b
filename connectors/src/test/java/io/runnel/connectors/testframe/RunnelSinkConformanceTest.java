package io.runnel.connectors.testframe;

import io.runnel.server.testing.RunnelServerExtension;
import org.apache.flink.connector.testframe.environment.MiniClusterTestEnvironment;
import org.apache.flink.connector.testframe.external.ExternalContextFactory;
import org.apache.flink.connector.testframe.junit.annotations.TestContext;
import org.apache.flink.connector.testframe.junit.annotations.TestEnv;
import org.apache.flink.connector.testframe.junit.annotations.TestSemantics;
import org.apache.flink.connector.testframe.testsuites.SinkTestSuiteBase;
import org.apache.flink.core.execution.CheckpointingMode;
import org.junit.jupiter.api.extension.ExtendWith;

/** RunnelSink against Flink's own sink test suite, exactly-once and at-least-once, on a real Runnel server. */
@ExtendWith(RunnelServerExtension.class)
class RunnelSinkConformanceTest extends SinkTestSuiteBase<String> {

    @TestEnv
    MiniClusterTestEnvironment flink = new MiniClusterTestEnvironment();

    @TestSemantics
    CheckpointingMode[] semantics = {CheckpointingMode.EXACTLY_ONCE, CheckpointingMode.AT_LEAST_ONCE};

    @TestContext
    ExternalContextFactory<RunnelSinkExternalContext> streams = RunnelSinkExternalContext.factory();
}
