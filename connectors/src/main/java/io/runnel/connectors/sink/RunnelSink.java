package io.runnel.connectors.sink;

import io.runnel.core.MetadataLog;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaCommittable;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaWriterState;
import org.apache.flink.connector.kafka.sink.TwoPhaseCommittingStatefulSink;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

/**
 * Writes a Flink stream of elements into a Runnel stream, as PutRecords would: each record goes to the open
 * shard its partition key (or explicit hash key) hashes into, and GetRecords returns it with a sequence
 * number, in order. It writes to the stream's Kafka topic directly through Flink's Kafka writer; with
 * EXACTLY_ONCE, in Kafka transactions committed when a checkpoint completes.
 */
public final class RunnelSink<T> implements TwoPhaseCommittingStatefulSink<T, KafkaWriterState, KafkaCommittable> {

    private static final long serialVersionUID = 1L;
    /** Within the default transaction.max.timeout.ms of Kafka brokers, so any cluster accepts it. */
    private static final Duration TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

    private final RunnelSinkOptions options;
    private final SerializationSchema<T> data;
    private final PartitionKeyGenerator<T> partitionKey;
    private final ExplicitHashKeyGenerator<T> explicitHashKey;
    /** Commits transactions and serializes Kafka state; it never writes, so it needs no router. */
    private final KafkaSink<T> committing;

    private RunnelSink(RunnelSinkOptions options, SerializationSchema<T> data, PartitionKeyGenerator<T> partitionKey,
                       ExplicitHashKeyGenerator<T> explicitHashKey) {
        this.options = options;
        this.data = data;
        this.partitionKey = partitionKey;
        this.explicitHashKey = explicitHashKey;
        this.committing = kafkaSink(new RoutingRecordSerializer<>(data, partitionKey, explicitHashKey, null), new Properties());
    }

    public static <T> Builder<T> builder() {
        return new Builder<>();
    }

    @Override
    public PrecommittingStatefulSinkWriter<T, KafkaWriterState, KafkaCommittable> createWriter(WriterInitContext context)
            throws IOException {
        return writer(context, List.of());
    }

    @Override
    public PrecommittingStatefulSinkWriter<T, KafkaWriterState, KafkaCommittable> restoreWriter(
            WriterInitContext context, Collection<KafkaWriterState> recovered) throws IOException {
        return writer(context, recovered);
    }

    private RunnelSinkWriter<T> writer(WriterInitContext context, Collection<KafkaWriterState> recovered) throws IOException {
        MetadataLog metadata = new MetadataLog(options.bootstrapServers(), options.metadataTopic());
        try {
            metadata.startReading(Duration.ofSeconds(60));
            ShardRouter router = new ShardRouter(metadata, options.stream());
            AcknowledgedOffsets acknowledged = new AcknowledgedOffsets();
            Properties reporting = new Properties();
            reporting.put(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, List.of(AcknowledgedOffsets.Interceptor.class));
            reporting.put(AcknowledgedOffsets.CONFIG_KEY, acknowledged);
            TwoPhaseCommittingStatefulSink<T, KafkaWriterState, KafkaCommittable> kafka =
                    kafkaSink(new RoutingRecordSerializer<>(data, partitionKey, explicitHashKey, router), reporting);
            PrecommittingStatefulSinkWriter<T, KafkaWriterState, KafkaCommittable> writer = recovered.isEmpty()
                    ? kafka.createWriter(context) : kafka.restoreWriter(context, recovered);
            // With NONE nothing waits for acknowledgements, so there is nothing to check them against.
            boolean checkEnds = options.deliveryGuarantee() != DeliveryGuarantee.NONE;
            if (checkEnds && !acknowledged.attached()) {
                writer.close();
                throw new IllegalStateException("the sink's Kafka producer did not install Runnel's acknowledgement interceptor");
            }
            return new RunnelSinkWriter<>(writer, metadata, options.stream(), acknowledged, checkEnds);
        } catch (Exception e) {
            metadata.close();
            throw e instanceof IOException io ? io : new IOException("cannot write to stream '" + options.stream() + "': "
                    + e.getMessage(), e);
        }
    }

    private KafkaSink<T> kafkaSink(RoutingRecordSerializer<T> serializer, Properties extra) {
        Properties producer = new Properties();
        producer.setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Long.toString(TRANSACTION_TIMEOUT.toMillis()));
        producer.putAll(options.producerProperties());
        producer.putAll(extra);
        var builder = KafkaSink.<T>builder()
                .setBootstrapServers(options.bootstrapServers())
                .setDeliveryGuarantee(options.deliveryGuarantee())
                .setKafkaProducerConfig(producer)
                .setRecordSerializer(serializer);
        if (options.transactionalIdPrefix() != null) {
            builder.setTransactionalIdPrefix(options.transactionalIdPrefix());
        }
        return builder.build();
    }

    @Override
    public Committer<KafkaCommittable> createCommitter(CommitterInitContext context) {
        return committing.createCommitter(context);
    }

    @Override
    public SimpleVersionedSerializer<KafkaCommittable> getCommittableSerializer() {
        return committing.getCommittableSerializer();
    }

    @Override
    public SimpleVersionedSerializer<KafkaWriterState> getWriterStateSerializer() {
        return committing.getWriterStateSerializer();
    }

    public static final class Builder<T> {
        private String bootstrapServers;
        private String stream;
        private String metadataTopic = MetadataLog.DEFAULT_TOPIC;
        private DeliveryGuarantee deliveryGuarantee = DeliveryGuarantee.AT_LEAST_ONCE;
        private String transactionalIdPrefix;
        private final Properties producerProperties = new Properties();
        private SerializationSchema<T> serializer;
        private PartitionKeyGenerator<T> partitionKey;
        private ExplicitHashKeyGenerator<T> explicitHashKey;

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

        /** AT_LEAST_ONCE (the default), EXACTLY_ONCE (needs a transactional id prefix) or NONE. */
        public Builder<T> deliveryGuarantee(DeliveryGuarantee guarantee) {
            this.deliveryGuarantee = guarantee;
            return this;
        }

        /** Names this sink's Kafka transactions; each job writing to the cluster needs its own. */
        public Builder<T> transactionalIdPrefix(String prefix) {
            this.transactionalIdPrefix = prefix;
            return this;
        }

        /** A Kafka producer setting, such as linger.ms or batch.size. */
        public Builder<T> producerProperty(String key, String value) {
            producerProperties.setProperty(key, value);
            return this;
        }

        /** Turns an element into the record's data. */
        public Builder<T> serializer(SerializationSchema<T> serializer) {
            this.serializer = serializer;
            return this;
        }

        public Builder<T> partitionKey(PartitionKeyGenerator<T> partitionKey) {
            this.partitionKey = partitionKey;
            return this;
        }

        /** Optional: chooses the shard by this hash key instead of the partition key's. */
        public Builder<T> explicitHashKey(ExplicitHashKeyGenerator<T> explicitHashKey) {
            this.explicitHashKey = explicitHashKey;
            return this;
        }

        public RunnelSink<T> build() {
            Objects.requireNonNull(bootstrapServers, "RunnelSink needs bootstrapServers (the Kafka cluster of the Runnel server)");
            Objects.requireNonNull(stream, "RunnelSink needs the name of a stream");
            Objects.requireNonNull(serializer, "RunnelSink needs a serializer for the records' data");
            Objects.requireNonNull(partitionKey, "RunnelSink needs a partition key for each record");
            Objects.requireNonNull(deliveryGuarantee, "deliveryGuarantee");
            if (deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE && (transactionalIdPrefix == null || transactionalIdPrefix.isBlank())) {
                throw new IllegalArgumentException("RunnelSink with EXACTLY_ONCE needs a transactionalIdPrefix, unique among "
                        + "the jobs writing to this Kafka cluster");
            }
            return new RunnelSink<>(new RunnelSinkOptions(bootstrapServers, stream, metadataTopic, deliveryGuarantee,
                    transactionalIdPrefix, producerProperties), serializer, partitionKey, explicitHashKey);
        }
    }
}
