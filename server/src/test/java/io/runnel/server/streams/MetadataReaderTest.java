package io.runnel.server.streams;

import io.runnel.server.testing.Clients;
import io.runnel.server.testing.RunnelServerExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Records in the metadata topic that no server can read are skipped: the server goes on reading what follows. */
@ExtendWith(RunnelServerExtension.class)
class MetadataReaderTest {

    @Test
    void theMetadataReaderGoesOnPastACorruptRecord() throws Exception {
        RunnelServerExtension.Running running = RunnelServerExtension.server();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, running.server.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(running.config.metadataTopic, "corrupt-stream",
                    "{this is not a stream".getBytes(StandardCharsets.UTF_8))).get();
            producer.send(new ProducerRecord<>(running.config.metadataTopic, "misshapen-stream",
                    "{\"shards\": \"not a list\"}".getBytes(StandardCharsets.UTF_8))).get();
        }
        try (KinesisClient kinesis = Clients.sync(running.endpoint(), true)) {
            // Creating a stream waits until the server has read its own write back, past the corrupt records.
            kinesis.createStream(b -> b.streamName("after-corrupt-metadata").shardCount(1));
            Clients.awaitActive(kinesis, "after-corrupt-metadata");
            assertThat(kinesis.putRecord(b -> b.streamName("after-corrupt-metadata").partitionKey("k")
                    .data(SdkBytes.fromUtf8String("x"))).sequenceNumber()).isNotBlank();
            assertThat(kinesis.listStreams().streamNames()).contains("after-corrupt-metadata").doesNotContain("corrupt-stream", "misshapen-stream");
        }
    }
}
