package io.runnel.connectors.source.split;

import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

public final class RunnelShardSplitSerializer implements SimpleVersionedSerializer<RunnelShardSplit> {

    /** Version 2 adds the shard's creation time; version 1 splits read with 0 there. */
    static final int VERSION = 2;

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
        if (version < 1 || version > VERSION) {
            throw new IOException("unknown version " + version + " of a Runnel shard split");
        }
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(serialized))) {
            return read(in, version);
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
        out.writeLong(split.shardCreatedAt());
    }

    /** Reads a split written by {@link #write} in the given version of this serializer. */
    public static RunnelShardSplit read(DataInputStream in, int version) throws IOException {
        String topic = in.readUTF();
        int shard = in.readInt();
        long start = in.readLong();
        Long stop = in.readBoolean() ? in.readLong() : null;
        long createdAt = version >= 2 ? in.readLong() : 0;
        return new RunnelShardSplit(topic, shard, createdAt, start, stop);
    }
}
