package io.runnel.server.api.kinesis;

import io.runnel.server.testing.Clients;
import io.runnel.server.testing.RunnelServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A stream deleted as soon as it is created goes, whatever state it had reached, and its name can be used again. */
@ExtendWith(RunnelServerExtension.class)
class StreamLifecycleTest {

    @Test
    void aStreamCanBeDeletedWhileItIsBeingCreated() {
        String stream = "deleted-while-creating";
        try (KinesisClient kinesis = Clients.sync(RunnelServerExtension.server().endpoint(), true)) {
            kinesis.createStream(b -> b.streamName(stream).shardCount(2));
            kinesis.deleteStream(b -> b.streamName(stream));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
                try {
                    kinesis.describeStreamSummary(b -> b.streamName(stream));
                    return false;
                } catch (ResourceNotFoundException e) {
                    return true;
                }
            });

            kinesis.createStream(b -> b.streamName(stream).shardCount(1));
            Clients.awaitActive(kinesis, stream);
            assertThat(kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().openShardCount()).isEqualTo(1);
            kinesis.putRecord(b -> b.streamName(stream).partitionKey("k").data(SdkBytes.fromUtf8String("again")));
        }
    }
}
