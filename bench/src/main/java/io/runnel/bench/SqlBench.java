package io.runnel.bench;

import io.runnel.core.HashKey;
import io.runnel.core.HashKeyRange;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Flink SQL over a Runnel table: a TUMBLE count per key over a 4-shard stream of 2 million JSON clicks, read
 * with {@code 'connector' = 'runnel'}, against the same query over Flink's own Kafka table connector reading the
 * stream's topic, in the same run, in a local MiniCluster.
 */
final class SqlBench {

    private static final String STREAM = "bench-sql";
    private static final int SHARDS = 4;
    private static final int RECORDS = 2_000_000;
    private static final int USERS = 1000;
    private static final int PARALLELISM = 2;
    private static final int ROUNDS = 5;
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private SqlBench() {
    }

    static void run(String[] args) throws Exception {
        String part = args.length == 0 ? "" : args[0];
        if (!part.isEmpty() && !part.equals("tumble") && !part.equals("forest")) {
            throw new IllegalArgumentException("./runnel bench sql [tumble|forest]: no part named " + part);
        }
        if (!part.equals("forest")) {
            tumble();
        }
        if (!part.equals("tumble")) {
            ForestBench.run();
        }
    }

    private static void tumble() throws Exception {
        Path dir = Bench.scratchDir("runnel-bench");
        System.out.println("Runnel bench: sql (" + Runtime.getRuntime().availableProcessors() + " cores; Kafka, Runnel and Flink on this machine)");
        try (ServerProcess server = ServerProcess.start(dir.resolve("data"));
             KinesisClient kinesis = StreamsBench.client(server.endpoint)) {
            ConnectorBench.createStream(kinesis, STREAM, SHARDS);
            String topic = "runnel." + STREAM;
            fill(server.bootstrapServers, topic);
            System.out.printf("filled %s with %,d JSON clicks of %d users over %d shards%n", STREAM, RECORDS, USERS, SHARDS);
            String runnel = "'connector' = 'runnel', 'stream' = '" + STREAM + "', 'bootstrap-servers' = '" + server.bootstrapServers
                    + "', 'format' = 'json', 'scan.bounded' = 'true'";
            String kafka = "'connector' = 'kafka', 'topic' = '" + topic + "', 'properties.bootstrap.servers' = '" + server.bootstrapServers
                    + "', 'properties.isolation.level' = 'read_committed', 'scan.startup.mode' = 'earliest-offset', "
                    + "'scan.bounded.mode' = 'latest-offset', 'format' = 'json'";

            // Both answer the same: every click counted once.
            check(runnel, "runnel");
            check(kafka, "kafka");
            double[] runnelRates = new double[ROUNDS];
            double[] kafkaRates = new double[ROUNDS];
            double[] ratios = new double[ROUNDS];
            for (int round = 0; round < ROUNDS; round++) {
                if (round % 2 == 0) {
                    runnelRates[round] = count(runnel);
                    kafkaRates[round] = count(kafka);
                } else {
                    kafkaRates[round] = count(kafka);
                    runnelRates[round] = count(runnel);
                }
                ratios[round] = runnelRates[round] / kafkaRates[round];
                System.out.printf("  round %d: runnel table %,.0f records/s, kafka table %,.0f records/s, ratio %.2f%n", round + 1,
                        runnelRates[round], kafkaRates[round], ratios[round]);
            }
            double r = ConnectorBench.median(runnelRates);
            double k = ConnectorBench.median(kafkaRates);
            System.out.println();
            System.out.printf("TUMBLE count per key, 'connector' = 'runnel', parallelism %d:  %,.0f records/s (median of %d)%n", PARALLELISM, r, ROUNDS);
            System.out.printf("the same over 'connector' = 'kafka', same topic, same Flink:  %,.0f records/s (median of %d)%n", k, ROUNDS);
            // Back-to-back pairs share the machine's state of the moment; the median of their ratios is the steadier figure.
            double ratio = ConnectorBench.median(ratios);
            System.out.printf("ratio runnel / kafka, median of the rounds' ratios:             %.2f   (floor 0.90: %s)%n", ratio,
                    ratio >= 0.9 ? "met" : "NOT met");
        }
    }

    private static StreamTableEnvironment tables(String options) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(PARALLELISM);
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        tables.executeSql("CREATE TABLE clicks (user_id STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ("
                + options + ")");
        tables.executeSql("CREATE TEMPORARY VIEW per_minute AS SELECT window_start, user_id, COUNT(*) AS clicks "
                + "FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end, user_id");
        return tables;
    }

    /** Runs the windowed count into a blackhole; returns records per second of the job's run time. */
    private static double count(String options) throws Exception {
        StreamTableEnvironment tables = tables(options);
        tables.executeSql("CREATE TABLE sink (window_start TIMESTAMP(3), user_id STRING, clicks BIGINT) WITH ('connector' = 'blackhole')");
        TableResult result = tables.executeSql("INSERT INTO sink SELECT * FROM per_minute");
        long runtime = result.getJobClient().orElseThrow().getJobExecutionResult().get().getNetRuntime(TimeUnit.MILLISECONDS);
        return RECORDS / (runtime / 1000.0);
    }

    private static void check(String options, String name) throws Exception {
        long total = 0;
        try (CloseableIterator<Row> rows = tables(options).executeSql("SELECT clicks FROM per_minute").collect()) {
            while (rows.hasNext()) {
                total += (Long) rows.next().getField(0);
            }
        }
        if (total != RECORDS) {
            throw new IllegalStateException(name + " table counted " + total + " clicks, not " + RECORDS);
        }
    }

    /** Clicks, a few per millisecond, keyed by user, in the partition of the shard the user's MD5 falls in, as the server writes them. */
    private static void fill(String bootstrap, String topic) {
        List<HashKeyRange> shards = HashKeyRange.uniform(SHARDS);
        byte[][] users = new byte[USERS][];
        int[] partitions = new int[USERS];
        for (int u = 0; u < USERS; u++) {
            String user = "user-" + u;
            users[u] = user.getBytes(StandardCharsets.UTF_8);
            BigInteger hash = HashKey.ofPartitionKey(user);
            for (int s = 0; s < SHARDS; s++) {
                if (shards.get(s).contains(hash)) {
                    partitions[u] = s;
                }
            }
        }
        Random random = new Random(7);
        long start = LocalDateTime.of(2026, 11, 26, 0, 0).toInstant(ZoneOffset.UTC).toEpochMilli();
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                int u = random.nextInt(USERS);
                String click = "{\"user_id\":\"user-" + u + "\",\"ts\":\"" + TS.format(Instant.ofEpochMilli(start + i / 4)) + "\"}";
                producer.send(new ProducerRecord<>(topic, partitions[u], users[u], click.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }
}
