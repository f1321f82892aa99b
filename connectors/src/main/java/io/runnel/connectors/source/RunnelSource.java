package io.runnel.connectors.source;

import io.runnel.connectors.source.enumerator.RunnelEnumeratorState;
import io.runnel.connectors.source.enumerator.RunnelEnumeratorStateSerializer;
import io.runnel.connectors.source.enumerator.RunnelShardEnumerator;
import io.runnel.connectors.source.reader.RunnelRecordEmitter;
import io.runnel.connectors.source.reader.RunnelSourceReader;
import io.runnel.connectors.source.split.RunnelShardSplit;
import io.runnel.connectors.source.split.RunnelShardSplitSerializer;
import io.runnel.core.MetadataLog;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.UserCodeClassLoader;

import java.time.Duration;
import java.util.Objects;

/**
 * A Flink source (FLIP-27) of a Runnel stream: one split per shard, read straight from Kafka, children only
 * after their parents, positions in checkpoints.
 *
 * <pre>{@code
 * RunnelSource<String> source = RunnelSource.<String>builder()
 *         .bootstrapServers("127.0.0.1:4568").stream("orders")
 *         .deserializer(RunnelRecordDeserializer.of(new SimpleStringSchema()))
 *         .build();
 * }</pre>
 */
public final class RunnelSource<T> implements Source<T, RunnelShardSplit, RunnelEnumeratorState>, ResultTypeQueryable<T> {

    private final RunnelSourceOptions options;
    private final RunnelRecordDeserializer<T> deserializer;

    private RunnelSource(RunnelSourceOptions options, RunnelRecordDeserializer<T> deserializer) {
        this.options = options;
        this.deserializer = deserializer;
    }

    public static <T> Builder<T> builder() {
        return new Builder<>();
    }

    @Override
    public Boundedness getBoundedness() {
        return options.bounded() ? Boundedness.BOUNDED : Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SourceReader<T, RunnelShardSplit> createReader(SourceReaderContext context) throws Exception {
        deserializer.open(new DeserializationSchema.InitializationContext() {
            @Override
            public MetricGroup getMetricGroup() {
                return context.metricGroup();
            }

            @Override
            public UserCodeClassLoader getUserCodeClassLoader() {
                return context.getUserCodeClassLoader();
            }
        });
        return new RunnelSourceReader<>(options.bootstrapServers(), new RunnelRecordEmitter<>(deserializer),
                new Configuration(), context);
    }

    @Override
    public SplitEnumerator<RunnelShardSplit, RunnelEnumeratorState> createEnumerator(SplitEnumeratorContext<RunnelShardSplit> context) {
        return new RunnelShardEnumerator(context, options, null);
    }

    @Override
    public SplitEnumerator<RunnelShardSplit, RunnelEnumeratorState> restoreEnumerator(
            SplitEnumeratorContext<RunnelShardSplit> context, RunnelEnumeratorState checkpoint) {
        return new RunnelShardEnumerator(context, options, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<RunnelShardSplit> getSplitSerializer() {
        return new RunnelShardSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<RunnelEnumeratorState> getEnumeratorCheckpointSerializer() {
        return new RunnelEnumeratorStateSerializer();
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return deserializer.getProducedType();
    }

    public static final class Builder<T> {
        private String bootstrapServers;
        private String stream;
        private String metadataTopic = MetadataLog.DEFAULT_TOPIC;
        private StartingPosition startingPosition = StartingPosition.trimHorizon();
        private boolean bounded;
        private Duration discoveryInterval = Duration.ofSeconds(1);
        private RunnelRecordDeserializer<T> deserializer;

        /** The Kafka cluster behind the Runnel server (`./runnel up` prints it). */
        public Builder<T> bootstrapServers(String servers) {
            this.bootstrapServers = servers;
            return this;
        }

        public Builder<T> stream(String name) {
            this.stream = name;
            return this;
        }

        public Builder<T> metadataTopic(String topic) {
            this.metadataTopic = topic;
            return this;
        }

        public Builder<T> startingPosition(StartingPosition position) {
            this.startingPosition = position;
            return this;
        }

        /** Read up to the end each shard has when the job starts, then finish. */
        public Builder<T> bounded() {
            this.bounded = true;
            return this;
        }

        public Builder<T> shardDiscoveryInterval(Duration interval) {
            this.discoveryInterval = interval;
            return this;
        }

        public Builder<T> deserializer(RunnelRecordDeserializer<T> deserializer) {
            this.deserializer = deserializer;
            return this;
        }

        public RunnelSource<T> build() {
            Objects.requireNonNull(bootstrapServers, "RunnelSource needs bootstrapServers (the Kafka cluster of the Runnel server)");
            Objects.requireNonNull(stream, "RunnelSource needs the name of a stream");
            Objects.requireNonNull(deserializer, "RunnelSource needs a deserializer");
            return new RunnelSource<>(new RunnelSourceOptions(bootstrapServers, stream, metadataTopic, startingPosition,
                    bounded, discoveryInterval), deserializer);
        }
    }
}
