package io.runnel.connectors.testframe;

import io.runnel.server.testing.RunnelServerExtension;
import org.apache.flink.connector.testframe.environment.MiniClusterTestEnvironment;
import org.apache.flink.connector.testframe.external.ExternalContextFactory;
import org.apache.flink.connector.testframe.junit.annotations.TestContext;
import org.apache.flink.connector.testframe.junit.annotations.TestEnv;
import org.apache.flink.connector.testframe.junit.annotations.TestSemantics;
import org.apache.flink.connector.testframe.testsuites.SourceTestSuiteBase;
import org.apache.flink.core.execution.CheckpointingMode;
import org.junit.jupiter.api.extension.ExtendWith;

/** RunnelSource against Flink's own source test suite, exactly-once cases, on a real Runnel server. */
@ExtendWith(RunnelServerExtension.class)
class RunnelSourceConformanceTest extends SourceTestSuiteBase<String> {

    @TestEnv
    MiniClusterTestEnvironment flink = new MiniClusterTestEnvironment();

    @TestSemantics
    CheckpointingMode[] semantics = {CheckpointingMode.EXACTLY_ONCE};

    @TestContext
    ExternalContextFactory<RunnelSourceExternalContext> streams = RunnelSourceExternalContext.factory();
}
