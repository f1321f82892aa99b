package io.runnel.server.streams;

import io.runnel.server.testing.Clients;
import io.runnel.server.testing.RunnelServerExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A Runnel stream is a Kafka topic that any Kafka consumer can read: key, value and timestamp as put. */
@ExtendWith(RunnelServerExtension.class)
class PlainKafkaConsumerTest {

    @Test
    void aKafkaConsumerReadsWhatPutRecordsWrote() {
        String stream = "plain-kafka";
        KinesisClient kinesis = Clients.sync(RunnelServerExtension.server().endpoint(), true);
        kinesis.createStream(b -> b.streamName(stream).shardCount(3));
        await().atMost(Duration.ofSeconds(30)).until(() -> kinesis.describeStreamSummary(b -> b.streamName(stream))
                .streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            entries.add(PutRecordsRequestEntry.builder().partitionKey("user-" + i).data(SdkBytes.fromUtf8String("event " + i)).build());
        }
        List<PutRecordsResultEntry> results = kinesis.putRecords(b -> b.streamName(stream).records(entries)).records();

        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, RunnelServerExtension.server().server.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, byte[]>> read = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor("runnel." + stream)) {
                partitions.add(new TopicPartition(p.topic(), p.partition()));
            }
            assertThat(partitions).hasSize(3);
            consumer.assign(partitions);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(read::add);
                return read.size() >= 60;
            });
        }
        assertThat(read).hasSize(60);
        Map<String, ConsumerRecord<String, byte[]>> byKey = new HashMap<>();
        read.forEach(r -> byKey.put(r.key(), r));
        for (int i = 0; i < 60; i++) {
            ConsumerRecord<String, byte[]> r = byKey.get("user-" + i);
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("event " + i);
            // The shard is the partition: shardId-00000000000N lives in partition N.
            assertThat(results.get(i).shardId()).isEqualTo(String.format("shardId-%012d", r.partition()));
        }
        // The Kafka timestamp is the arrival time that GetRecords reports.
        PutRecordsResultEntry firstResult = results.get(0);
        String iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId(firstResult.shardId())
                .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER).startingSequenceNumber(firstResult.sequenceNumber())).shardIterator();
        Record viaKinesis = kinesis.getRecords(b -> b.shardIterator(iterator).limit(1)).records().get(0);
        assertThat(byKey.get("user-0").timestamp()).isEqualTo(viaKinesis.approximateArrivalTimestamp().toEpochMilli());
        kinesis.close();
    }

    @Test
    void retentionIsTheTopicsRetention() throws Exception {
        String stream = "retained";
        KinesisClient kinesis = Clients.sync(RunnelServerExtension.server().endpoint(), true);
        kinesis.createStream(b -> b.streamName(stream).shardCount(1));
        await().atMost(Duration.ofSeconds(30)).until(() -> kinesis.describeStreamSummary(b -> b.streamName(stream))
                .streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                RunnelServerExtension.server().server.bootstrapServers()))) {
            assertThat(retentionMs(admin, "runnel." + stream)).isEqualTo(24L * 3_600_000);
            kinesis.increaseStreamRetentionPeriod(b -> b.streamName(stream).retentionPeriodHours(8760));
            assertThat(retentionMs(admin, "runnel." + stream)).isEqualTo(8760L * 3_600_000);
            kinesis.decreaseStreamRetentionPeriod(b -> b.streamName(stream).retentionPeriodHours(36));
            assertThat(retentionMs(admin, "runnel." + stream)).isEqualTo(36L * 3_600_000);
        }
        kinesis.close();
    }

    private static long retentionMs(Admin admin, String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return Long.parseLong(admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS)
                .get(resource).get(TopicConfig.RETENTION_MS_CONFIG).value());
    }
}
