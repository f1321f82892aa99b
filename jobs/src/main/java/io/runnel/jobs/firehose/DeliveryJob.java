package io.runnel.jobs.firehose;

import io.runnel.core.delivery.DeliverySpec;
import io.runnel.connectors.source.RunnelRecord;
import io.runnel.connectors.source.RunnelRecordDeserializer;
import io.runnel.connectors.source.RunnelSource;
import io.runnel.connectors.source.StartingPosition;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.PartFileInfo;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.CheckpointRollingPolicy;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.Properties;

/**
 * A Firehose delivery stream as a Flink job: reads a Runnel stream (or a Kafka topic), routes each record by its
 * prefix, converts JSON to Parquet if asked, and writes files with Flink's FileSink, which makes a file visible
 * only when the checkpoint that covers its records completes: each record lands exactly once. Records that
 * cannot be partitioned or converted land, exactly once too, under the error prefix.
 *
 * <pre>
 * flink run -c io.runnel.jobs.firehose.DeliveryJob runnel-jobs.jar --spec-base64 ...
 * </pre>
 * The checkpoint interval (from the buffering hints) is the runtime's to set, as for every application.
 */
public final class DeliveryJob {

    private DeliveryJob() {
    }

    public static void main(String[] args) throws Exception {
        DeliverySpec spec = null;
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--spec-base64")) {
                spec = DeliverySpec.fromBase64(args[i + 1]);
            }
        }
        if (spec == null) {
            throw new IllegalArgumentException("usage: DeliveryJob --spec-base64 <the delivery spec, as JSON in base64>");
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        build(env, spec);
        env.execute("firehose " + spec.name());
    }

    /** Adds the delivery's pipeline to {@code env}. */
    public static void build(StreamExecutionEnvironment env, DeliverySpec spec) {
        // Rows pass from the router to the writer without being copied: neither keeps a record it has handed on.
        env.getConfig().enableObjectReuse();
        SingleOutputStreamOperator<Routed> routed = source(env, spec).process(new Route(spec))
                .returns(TypeInformation.of(Routed.class)).name("route").uid("route");

        JsonToRow converter = spec.conversion() == null ? null : new JsonToRow(spec.conversion());
        BulkWriter.Factory<Routed> writer = converter == null ? Writers.bytes(spec.compression())
                : Writers.parquet(converter.rowType(), spec.conversion().parquetCompression());
        String partPrefix = spec.name() + "-" + spec.version();
        routed.sinkTo(FileSink.forBulkFormat(new Path(spec.destination()), writer)
                        .withBucketAssigner(new ByPrefix())
                        .withRollingPolicy(new SizeOrCheckpoint(spec.bufferBytes()))
                        .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix(partPrefix)
                                .withPartSuffix(spec.fileExtension() == null || spec.fileExtension().isEmpty()
                                        ? Writers.suffix(spec.compression(), converter != null) : spec.fileExtension()).build())
                        .build())
                .name("files").uid("files");
        routed.getSideOutput(Route.ERRORS).sinkTo(FileSink.forRowFormat(new Path(spec.destination()), Writers.lines())
                        .withBucketAssigner(new ByPrefix())
                        .withRollingPolicy(OnCheckpointRollingPolicy.build())
                        .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix(partPrefix).build())
                        .build())
                .name("error records").uid("errors");
    }

    private static DataStream<Arrival> source(StreamExecutionEnvironment env, DeliverySpec spec) {
        DeliverySpec.Source source = spec.source();
        if (source.stream() != null) {
            RunnelSource.Builder<Arrival> runnel = RunnelSource.<Arrival>builder()
                    .bootstrapServers(source.bootstrapServers())
                    .stream(source.stream())
                    .metadataTopic(source.metadataTopic())
                    .startingPosition(StartingPosition.trimHorizon())
                    .deserializer(new StreamRecords());
            if (source.bounded()) {
                runnel.bounded();
            }
            return env.fromSource(runnel.build(), WatermarkStrategy.noWatermarks(), "stream " + source.stream()).uid("source");
        }
        Properties properties = new Properties();
        properties.setProperty("partition.discovery.interval.ms", "10000");
        var kafka = KafkaSource.<Arrival>builder()
                .setBootstrapServers(source.bootstrapServers())
                .setTopics(source.topic())
                .setGroupId("runnel-firehose-" + spec.name())
                .setStartingOffsets(source.startAtMillis() == null ? OffsetsInitializer.earliest()
                        : OffsetsInitializer.timestamp(source.startAtMillis()))
                .setDeserializer(new TopicRecords())
                .setProperties(properties);
        if (source.bounded()) {
            kafka.setBounded(OffsetsInitializer.latest());
        }
        return env.fromSource(kafka.build(), WatermarkStrategy.noWatermarks(), "topic " + source.topic()).uid("source");
    }

    private static final class StreamRecords implements RunnelRecordDeserializer<Arrival> {
        @Override
        public void deserialize(RunnelRecord record, Collector<Arrival> out) {
            out.collect(new Arrival(record.data(), record.arrivalTime(), record.shardIndex(), record.offset(), record.sequenceNumber()));
        }

        @Override
        public TypeInformation<Arrival> getProducedType() {
            return TypeInformation.of(Arrival.class);
        }
    }

    private static final class TopicRecords implements KafkaRecordDeserializationSchema<Arrival> {
        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Arrival> out) {
            out.collect(new Arrival(record.value() == null ? new byte[0] : record.value(), record.timestamp(), record.partition(),
                    record.offset(), null));
        }

        @Override
        public TypeInformation<Arrival> getProducedType() {
            return TypeInformation.of(Arrival.class);
        }
    }

    /** Each record to the folder of its evaluated prefix. */
    private static final class ByPrefix implements BucketAssigner<Routed, String> {
        @Override
        public String getBucketId(Routed element, Context context) {
            return element.bucket();
        }

        @Override
        public SimpleVersionedSerializer<String> getSerializer() {
            return SimpleVersionedStringSerializer.INSTANCE;
        }
    }

    /**
     * Files roll at each checkpoint, which commits them, and sooner once they reach the buffer size. The size is
     * asked for every {@value #SIZE_CHECK_EVERY} records only: asking is a call on the file's stream.
     */
    private static final class SizeOrCheckpoint extends CheckpointRollingPolicy<Routed, String> {
        private static final int SIZE_CHECK_EVERY = 256;
        private final long maxBytes;
        private transient int events;

        SizeOrCheckpoint(long maxBytes) {
            this.maxBytes = maxBytes;
        }

        @Override
        public boolean shouldRollOnEvent(PartFileInfo<String> partFileState, Routed element) throws java.io.IOException {
            return ++events % SIZE_CHECK_EVERY == 0 && partFileState.getSize() >= maxBytes;
        }

        @Override
        public boolean shouldRollOnProcessingTime(PartFileInfo<String> partFileState, long currentTime) {
            return false;
        }
    }
}
