package io.runnel.connectors.source;

import io.runnel.connectors.source.enumerator.RunnelEnumeratorState;
import io.runnel.connectors.source.enumerator.RunnelEnumeratorStateSerializer;
import io.runnel.connectors.source.split.RunnelShardSplit;
import io.runnel.connectors.source.split.RunnelShardSplitSerializer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SerializersTest {

    @Test
    void splitsSurviveACheckpoint() throws Exception {
        RunnelShardSplitSerializer serializer = new RunnelShardSplitSerializer();
        for (RunnelShardSplit split : List.of(new RunnelShardSplit("runnel.orders", 7, 1_764_600_000_000L, 1234, null),
                new RunnelShardSplit("runnel.orders", 0, 1_764_600_000_000L, 0, 99L))) {
            assertThat(serializer.deserialize(serializer.getVersion(), serializer.serialize(split))).isEqualTo(split);
        }
    }

    @Test
    void aSplitCheckpointedBeforeSplitsCarriedTheShardsCreationTimeIsStillRead() throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            out.writeUTF("runnel.orders");
            out.writeInt(7);
            out.writeLong(1234);
            out.writeBoolean(false);
        }
        assertThat(new RunnelShardSplitSerializer().deserialize(1, bytes.toByteArray()))
                .isEqualTo(new RunnelShardSplit("runnel.orders", 7, 0, 1234, null));
    }

    @Test
    void theEnumeratorStateSurvivesACheckpoint() throws Exception {
        RunnelEnumeratorStateSerializer serializer = new RunnelEnumeratorStateSerializer();
        RunnelEnumeratorState state = new RunnelEnumeratorState(Set.of(0, 1), Set.of(2, 5),
                List.of(new RunnelShardSplit("runnel.orders", 6, 1_764_600_000_000L, 0, null)), Map.of(0, new long[] {3, 40}, 1, new long[] {0, 7}));
        RunnelEnumeratorState copy = serializer.deserialize(serializer.getVersion(), serializer.serialize(state));
        assertThat(copy.finished()).isEqualTo(state.finished());
        assertThat(copy.assigned()).isEqualTo(state.assigned());
        assertThat(copy.pending()).isEqualTo(state.pending());
        assertThat(copy.initialRanges()).containsOnlyKeys(0, 1);
        assertThat(copy.initialRanges().get(0)).containsExactly(3, 40);
        assertThat(copy.initialRanges().get(1)).containsExactly(0, 7);
    }
}
