package io.runnel.bench;

import io.runnel.connectors.sink.RunnelSink;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The Flink connector's sink: RunnelSink writing 100-byte records into a 4-shard stream with EXACTLY_ONCE,
 * against Flink's KafkaSink writing the same records into a 4-partition topic with EXACTLY_ONCE, in the same
 * run, with the same producer settings and checkpoint interval.
 */
final class SinkBench {

    private static final String STREAM = "bench-sink";
    private static final String KAFKA_TOPIC = "bench-kafkasink";
    private static final int SHARDS = 4;
    private static final long RECORDS = 5_000_000;
    private static final int PARALLELISM = 2;
    private static final int ROUNDS = 5;
    private static final long CHECKPOINT_MS = 1000;

    /** 1,024 partition keys and one 100-byte payload, shared by every record. */
    static final String[] KEYS = new String[1024];
    static final byte[] DATA = new byte[100];

    static {
        Random random = new Random(5);
        for (int i = 0; i < KEYS.length; i++) {
            KEYS[i] = "pk-" + random.nextInt(1_000_000);
        }
        random.nextBytes(DATA);
    }

    private SinkBench() {
    }

    static void run(String bootstrap, KinesisClient kinesis) throws Exception {
        ConnectorBench.createStream(kinesis, STREAM, SHARDS);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(KAFKA_TOPIC, SHARDS, (short) 1))).all().get(30, TimeUnit.SECONDS);
            String runnelTopic = "runnel." + STREAM;
            System.out.println();
            System.out.printf("sink: %,d records of %d bytes per job, EXACTLY_ONCE, checkpoint every %d ms%n", RECORDS, DATA.length, CHECKPOINT_MS);
            write(admin, runnelTopic, "RunnelSink", runnelSink(bootstrap));
            write(admin, KAFKA_TOPIC, "KafkaSink", kafkaSink(bootstrap));
            double[] runnel = new double[ROUNDS];
            double[] kafka = new double[ROUNDS];
            double[] ratios = new double[ROUNDS];
            for (int round = 0; round < ROUNDS; round++) {
                if (round % 2 == 0) {
                    runnel[round] = write(admin, runnelTopic, "RunnelSink", runnelSink(bootstrap));
                    kafka[round] = write(admin, KAFKA_TOPIC, "KafkaSink", kafkaSink(bootstrap));
                } else {
                    kafka[round] = write(admin, KAFKA_TOPIC, "KafkaSink", kafkaSink(bootstrap));
                    runnel[round] = write(admin, runnelTopic, "RunnelSink", runnelSink(bootstrap));
                }
                ratios[round] = runnel[round] / kafka[round];
                System.out.printf("  round %d: RunnelSink %,.0f records/s, KafkaSink %,.0f records/s, ratio %.2f%n", round + 1,
                        runnel[round], kafka[round], ratios[round]);
            }
            double r = ConnectorBench.median(runnel);
            double k = ConnectorBench.median(kafka);
            // The rounds run in turns, so each round's pair shares the machine's mood of the moment: their ratio is
            // what the floor judges, as the median over rounds.
            double ratio = ConnectorBench.median(ratios);
            System.out.println();
            System.out.printf("RunnelSink, 4 shards, exactly-once, parallelism %d: %,.0f records/s (median of %d)%n", PARALLELISM, r, ROUNDS);
            System.out.printf("KafkaSink, 4 partitions, exactly-once:           %,.0f records/s (median of %d)%n", k, ROUNDS);
            System.out.printf("ratio RunnelSink / KafkaSink, median of rounds:  %.2f   (floor 0.90: %s; ratio of the medians %.2f)%n",
                    ratio, ratio >= 0.9 ? "met" : "NOT met", r / k);
        }
    }

    /** The same producer settings for both sinks. */
    private static Map<String, String> producerSettings() {
        return Map.of("linger.ms", "5", "batch.size", Integer.toString(256 * 1024), "transaction.timeout.ms", "900000");
    }

    private static org.apache.flink.api.connector.sink2.Sink<Long> runnelSink(String bootstrap) {
        RunnelSink.Builder<Long> sink = RunnelSink.<Long>builder().bootstrapServers(bootstrap).stream(STREAM)
                .deliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE).transactionalIdPrefix(newTransactionalIdPrefix("runnel"))
                .serializer(new Payload()).partitionKey(n -> KEYS[(int) (n & 1023)]);
        producerSettings().forEach(sink::producerProperty);
        return sink.build();
    }

    private static org.apache.flink.api.connector.sink2.Sink<Long> kafkaSink(String bootstrap) {
        var sink = KafkaSink.<Long>builder().setBootstrapServers(bootstrap)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE).setTransactionalIdPrefix(newTransactionalIdPrefix("kafka"))
                .setRecordSerializer(new KeyedPayload());
        producerSettings().forEach(sink::setProperty);
        return sink.build();
    }

    /**
     * A prefix no earlier job used: a new job probes the transactional ids of its prefix's past jobs to abort
     * what they left open, which would make later rounds slower than earlier ones.
     */
    private static String newTransactionalIdPrefix(String sink) {
        return "bench-" + sink + "-" + System.nanoTime();
    }

    static final class Payload implements SerializationSchema<Long> {
        @Override
        public byte[] serialize(Long n) {
            return DATA;
        }
    }

    /**
     * What a Kafka user with the same records would write: the key, encoded from the same string and
     * hashed by Kafka's partitioner, and the payload.
     */
    static final class KeyedPayload implements KafkaRecordSerializationSchema<Long> {
        @Override
        public ProducerRecord<byte[], byte[]> serialize(Long n, KafkaSinkContext context, Long timestamp) {
            return new ProducerRecord<>(KAFKA_TOPIC, KEYS[(int) (n & 1023)].getBytes(StandardCharsets.UTF_8), DATA);
        }
    }

    /** Runs a job writing RECORDS records through the sink; checks they arrived; returns records per second. */
    private static double write(Admin admin, String topic, String name, org.apache.flink.api.connector.sink2.Sink<Long> sink)
            throws Exception {
        long before = endOffsets(admin, topic);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(PARALLELISM);
        env.enableCheckpointing(CHECKPOINT_MS);
        env.fromSequence(0, RECORDS - 1).sinkTo(sink);
        JobExecutionResult result = env.execute(name);
        long added = endOffsets(admin, topic) - before;
        // Each committed transaction adds one marker per partition it wrote to, so offsets grow a little more.
        if (added < RECORDS) {
            throw new IllegalStateException(name + " added " + added + " offsets to " + topic + ", fewer than " + RECORDS + " records");
        }
        return RECORDS / (result.getNetRuntime(TimeUnit.MILLISECONDS) / 1000.0);
    }

    private static long endOffsets(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < SHARDS; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        return admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).values().stream().mapToLong(i -> i.offset()).sum();
    }
}
