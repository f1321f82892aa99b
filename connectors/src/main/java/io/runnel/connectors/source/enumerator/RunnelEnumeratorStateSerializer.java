package io.runnel.connectors.source.enumerator;

import io.runnel.connectors.source.split.RunnelShardSplit;
import io.runnel.connectors.source.split.RunnelShardSplitSerializer;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.List;
import java.util.Set;

public final class RunnelEnumeratorStateSerializer implements SimpleVersionedSerializer<RunnelEnumeratorState> {

    /** Version 2 holds version 2 splits. */
    private static final int VERSION = 2;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(RunnelEnumeratorState state) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writeInts(state.finished(), out);
            writeInts(state.assigned(), out);
            out.writeInt(state.pending().size());
            for (RunnelShardSplit split : state.pending()) {
                RunnelShardSplitSerializer.write(split, out);
            }
            out.writeInt(state.initialRanges().size());
            for (Map.Entry<Integer, long[]> e : state.initialRanges().entrySet()) {
                out.writeInt(e.getKey());
                out.writeLong(e.getValue()[0]);
                out.writeLong(e.getValue()[1]);
            }
        }
        return bytes.toByteArray();
    }

    @Override
    public RunnelEnumeratorState deserialize(int version, byte[] serialized) throws IOException {
        if (version < 1 || version > VERSION) {
            throw new IOException("unknown version " + version + " of the Runnel enumerator state");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            Set<Integer> finished = readInts(in);
            Set<Integer> assigned = readInts(in);
            int pendingCount = in.readInt();
            List<RunnelShardSplit> pending = new ArrayList<>(pendingCount);
            for (int i = 0; i < pendingCount; i++) {
                pending.add(RunnelShardSplitSerializer.read(in, version));
            }
            int rangeCount = in.readInt();
            Map<Integer, long[]> ranges = new HashMap<>(rangeCount);
            for (int i = 0; i < rangeCount; i++) {
                ranges.put(in.readInt(), new long[] {in.readLong(), in.readLong()});
            }
            return new RunnelEnumeratorState(finished, assigned, pending, ranges);
        }
    }

    private static void writeInts(Set<Integer> values, DataOutputStream out) throws IOException {
        out.writeInt(values.size());
        for (int v : values) {
            out.writeInt(v);
        }
    }

    private static Set<Integer> readInts(DataInputStream in) throws IOException {
        int n = in.readInt();
        Set<Integer> values = new HashSet<>(n);
        for (int i = 0; i < n; i++) {
            values.add(in.readInt());
        }
        return values;
    }
}
