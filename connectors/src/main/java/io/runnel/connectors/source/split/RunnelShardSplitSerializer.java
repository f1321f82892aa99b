package io.runnel.connectors.source.split;

import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

public final class RunnelShardSplitSerializer implements SimpleVersionedSerializer<RunnelShardSplit> {

    private static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(RunnelShardSplit split) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            write(split, out);
        }
        return bytes.toByteArray();
    }

    @Override
    public RunnelShardSplit deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException("unknown version " + version + " of a Runnel shard split");
        }
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(serialized))) {
            return read(in);
        }
    }

    /** Writes a split inside a larger state, such as the enumerator's. */
    public static void write(RunnelShardSplit split, DataOutputStream out) throws IOException {
        out.writeUTF(split.topic());
        out.writeInt(split.shardIndex());
        out.writeLong(split.startingOffset());
        out.writeBoolean(split.stoppingOffset() != null);
        if (split.stoppingOffset() != null) {
            out.writeLong(split.stoppingOffset());
        }
    }

    public static RunnelShardSplit read(DataInputStream in) throws IOException {
        String topic = in.readUTF();
        int shard = in.readInt();
        long start = in.readLong();
        Long stop = in.readBoolean() ? in.readLong() : null;
        return new RunnelShardSplit(topic, shard, start, stop);
    }
}
