package io.runnel.connectors.source;

import io.runnel.server.testing.RunnelServerExtension;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Streams for the source's tests: made through the server's API, filled with numbered records per key. */
final class TestStreams {

    private TestStreams() {
    }

    static MiniClusterExtension miniCluster() {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());
    }

    static String bootstrap() {
        return RunnelServerExtension.server().server.bootstrapServers();
    }

    static void create(KinesisClient kinesis, String stream, int shards) {
        kinesis.createStream(b -> b.streamName(stream).shardCount(shards));
        awaitActive(kinesis, stream);
    }

    static void awaitActive(KinesisClient kinesis, String stream) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() ->
                kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
    }

    /** Puts {@code count} records over {@code keys} keys as "key-i:n", numbering each key's records on from what was written. */
    static void put(KinesisClient kinesis, String stream, int keys, int count, Map<String, Integer> written) {
        List<PutRecordsRequestEntry> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String key = "key-" + (i % keys);
            int n = written.merge(key, 1, Integer::sum) - 1;
            batch.add(PutRecordsRequestEntry.builder().partitionKey(key).data(SdkBytes.fromUtf8String(key + ":" + n)).build());
            if (batch.size() == 500 || i == count - 1) {
                List<PutRecordsRequestEntry> full = List.copyOf(batch);
                assertThat(kinesis.putRecords(b -> b.streamName(stream).records(full)).failedRecordCount()).isZero();
                batch.clear();
            }
        }
    }
}
