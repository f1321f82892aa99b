package io.runnel.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Streams outlive a Ctrl-C, and a second server on the first one's Kafka ({@code --kafka}) serves the same streams. */
class RestartAndExternalKafkaTest {

    @TempDir
    Path dir;

    @Test
    void streamsSurviveCtrlCAndAreSharedThroughKafka() throws Exception {
        int kafkaPort = RunnelProcess.freePort();
        String[] embedded = {"--port", "0", "--kafka-port", Integer.toString(kafkaPort),
                "--data-dir", dir.resolve("data").toString(), "--create-stream-ms", "100"};
        Path log = Path.of("target/runnel-restart.log");

        PutRecordResponse put;
        try (RunnelProcess first = RunnelProcess.up(log, embedded); KinesisClient kinesis = first.client()) {
            kinesis.createStream(b -> b.streamName("kept").shardCount(2));
            await().atMost(Duration.ofSeconds(60)).until(() -> kinesis.describeStreamSummary(b -> b.streamName("kept"))
                    .streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
            put = kinesis.putRecord(b -> b.streamName("kept").partitionKey("k").data(SdkBytes.fromUtf8String("before ctrl-c")));
            assertThat(first.stop()).as("exit status after SIGTERM").isIn(0, 143);
        }

        try (RunnelProcess again = RunnelProcess.up(log, embedded);
             RunnelProcess second = RunnelProcess.up(log, "--port", "0", "--kafka", "127.0.0.1:" + kafkaPort);
             KinesisClient viaFirst = again.client();
             KinesisClient viaSecond = second.client()) {
            assertThat(readFrom(viaFirst, put)).containsExactly("before ctrl-c");

            // The server on an existing Kafka sees the same streams and records, and writes to them.
            assertThat(viaSecond.listStreams(b -> {}).streamNames()).contains("kept");
            assertThat(readFrom(viaSecond, put)).containsExactly("before ctrl-c");
            PutRecordResponse more = viaSecond.putRecord(b -> b.streamName("kept").partitionKey("k")
                    .data(SdkBytes.fromUtf8String("through --kafka")));
            assertThat(more.shardId()).isEqualTo(put.shardId());
            assertThat(readFrom(viaFirst, put)).containsExactly("before ctrl-c", "through --kafka");
        }
    }

    private static List<String> readFrom(KinesisClient kinesis, PutRecordResponse first) {
        String it = kinesis.getShardIterator(b -> b.streamName("kept").shardId(first.shardId())
                .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER).startingSequenceNumber(first.sequenceNumber())).shardIterator();
        return kinesis.getRecords(b -> b.shardIterator(it)).records().stream().map(Record::data).map(SdkBytes::asUtf8String).toList();
    }
}
