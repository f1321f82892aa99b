package io.runnel.bench;

import io.runnel.connectors.source.RunnelRecord;
import io.runnel.connectors.source.RunnelRecordDeserializer;
import io.runnel.connectors.source.RunnelSource;
import io.runnel.core.HashKey;
import io.runnel.core.HashKeyRange;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Flink connector: RunnelSource reading a 4-shard stream of 5 million 100-byte records, against Flink's
 * KafkaSource reading the same topic, in the same run, in a local MiniCluster; then the sink ({@link SinkBench}).
 */
final class ConnectorBench {

    private static final String STREAM = "bench-connector";
    private static final int SHARDS = 4;
    private static final int RECORDS = 5_000_000;
    private static final int RECORD_BYTES = 100;
    private static final int PARALLELISM = 2;
    private static final int ROUNDS = 3;

    /** What the jobs' sink counted; the jobs run in this JVM. */
    static final AtomicLong COUNTED = new AtomicLong();

    private ConnectorBench() {
    }

    static void run(String[] args) throws Exception {
        Path dir = Bench.scratchDir("runnel-bench");
        System.out.println("Runnel bench: connector (" + Runtime.getRuntime().availableProcessors() + " cores; Kafka, Runnel and Flink on this machine)");
        try (ServerProcess server = ServerProcess.start(dir.resolve("data"));
             KinesisClient kinesis = StreamsBench.client(server.endpoint)) {
            List<String> parts = args.length == 0 ? List.of("source", "sink") : List.of(args);
            if (parts.contains("source")) {
                readBench(server, kinesis);
            }
            if (parts.contains("sink")) {
                SinkBench.run(server.bootstrapServers, kinesis);
            }
        }
    }

    /** RunnelSource against KafkaSource. */
    private static void readBench(ServerProcess server, KinesisClient kinesis) throws Exception {
        createStream(kinesis, STREAM, SHARDS);
        String topic = "runnel." + STREAM;
        fill(server.bootstrapServers, topic);
        System.out.printf("filled %s with %,d records of %d bytes%n", STREAM, RECORDS, RECORD_BYTES);

        // A round of each to warm Flink and both sources up, then rounds that take turns going first.
        read(kafkaSource(server.bootstrapServers, topic), "KafkaSource");
        read(runnelSource(server.bootstrapServers), "RunnelSource");
        double[] kafka = new double[ROUNDS];
        double[] runnel = new double[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            if (round % 2 == 0) {
                runnel[round] = read(runnelSource(server.bootstrapServers), "RunnelSource");
                kafka[round] = read(kafkaSource(server.bootstrapServers, topic), "KafkaSource");
            } else {
                kafka[round] = read(kafkaSource(server.bootstrapServers, topic), "KafkaSource");
                runnel[round] = read(runnelSource(server.bootstrapServers), "RunnelSource");
            }
            System.out.printf("  round %d: RunnelSource %,.0f records/s, KafkaSource %,.0f records/s%n", round + 1, runnel[round], kafka[round]);
        }
        double k = median(kafka);
        double r = median(runnel);
        System.out.println();
        System.out.printf("RunnelSource, 4 shards, parallelism %d:   %,.0f records/s (median of %d)%n", PARALLELISM, r, ROUNDS);
        System.out.printf("KafkaSource, same topic, same Flink:     %,.0f records/s (median of %d)%n", k, ROUNDS);
        System.out.printf("ratio RunnelSource / KafkaSource:        %.2f   (floor 0.90: %s)%n", r / k, r / k >= 0.9 ? "met" : "NOT met");
    }

    static void createStream(KinesisClient kinesis, String stream, int shards) throws InterruptedException {
        kinesis.createStream(b -> b.streamName(stream).shardCount(shards));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamStatus() != StreamStatus.ACTIVE) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(stream + " did not become ACTIVE");
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    /** Writes the records as the server would: key = partition key, partition = the shard its MD5 falls in. */
    private static void fill(String bootstrap, String topic) {
        List<HashKeyRange> shards = HashKeyRange.uniform(SHARDS);
        Random random = new Random(3);
        byte[][] keys = new byte[1024][];
        int[] partitions = new int[keys.length];
        for (int i = 0; i < keys.length; i++) {
            String key = "pk-" + random.nextInt(1_000_000);
            keys[i] = key.getBytes(StandardCharsets.UTF_8);
            BigInteger hash = HashKey.ofPartitionKey(key);
            for (int s = 0; s < SHARDS; s++) {
                if (shards.get(s).contains(hash)) {
                    partitions[i] = s;
                }
            }
        }
        byte[] data = new byte[RECORD_BYTES];
        random.nextBytes(data);
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(topic, partitions[i & 1023], keys[i & 1023], data));
            }
            producer.flush();
        }
    }

    private static Source<byte[], ?, ?> kafkaSource(String bootstrap, String topic) {
        return KafkaSource.<byte[]>builder().setBootstrapServers(bootstrap).setTopics(topic)
                .setGroupId("runnel-bench").setProperty("isolation.level", "read_committed")
                .setStartingOffsets(OffsetsInitializer.earliest()).setBounded(OffsetsInitializer.latest())
                .setDeserializer(KafkaRecordDeserializationSchema.valueOnly(ByteArrayDeserializer.class)).build();
    }

    private static Source<byte[], ?, ?> runnelSource(String bootstrap) {
        return RunnelSource.<byte[]>builder().bootstrapServers(bootstrap).stream(STREAM).bounded()
                .deserializer(new DataOnly()).build();
    }

    static final class DataOnly implements RunnelRecordDeserializer<byte[]> {
        @Override
        public void deserialize(RunnelRecord record, Collector<byte[]> out) {
            out.collect(record.data());
        }

        @Override
        public TypeInformation<byte[]> getProducedType() {
            return PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO;
        }
    }

    /** Runs a bounded job reading every record into a counting sink; returns records per second of job run time. */
    private static double read(Source<byte[], ?, ?> source, String name) throws Exception {
        COUNTED.set(0);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(PARALLELISM);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), name).sinkTo(new Counting());
        JobExecutionResult result = env.execute(name);
        if (COUNTED.get() != RECORDS) {
            throw new IllegalStateException(name + " read " + COUNTED.get() + " records, not " + RECORDS);
        }
        return RECORDS / (result.getNetRuntime(TimeUnit.MILLISECONDS) / 1000.0);
    }

    static final class Counting implements Sink<byte[]> {
        @Override
        public SinkWriter<byte[]> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                private long count;

                @Override
                public void write(byte[] element, Context ctx) {
                    count++;
                }

                @Override
                public void flush(boolean endOfInput) {
                }

                @Override
                public void close() {
                    COUNTED.addAndGet(count);
                }
            };
        }
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
