package io.runnel.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamStatus;
import software.amazon.awssdk.services.firehose.model.Record;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Exactly-once delivery when things die: the runtime's Flink process killed with SIGKILL mid-run (it comes back,
 * and the delivery job resumes from its last checkpoint), then the server itself killed with records on their way
 * and started again. The
 * delivered lines equal the acknowledged ones each time: none lost, none twice.
 */
class FirehoseRecoveryTest {

    private static final Duration DELIVERY = Duration.ofMinutes(5);

    @TempDir
    Path dir;
    private RunnelProcess runnel;

    @AfterEach
    void down() throws Exception {
        if (runnel != null) {
            runnel.close();
        }
    }

    @Test
    void everyAcknowledgedRecordLandsOnceAcrossAKilledRuntimeAndAKilledServer() throws Exception {
        String[] flags = {"--flink", "embedded", "--kafka-port", Integer.toString(RunnelProcess.freePort()), "--s3-port",
                Integer.toString(RunnelProcess.freePort()), "--data-dir", dir.resolve("data").toString(), "--create-stream-ms", "100"};
        runnel = RunnelProcess.up(Path.of("target/runnel-firehose-recovery-1.log"), flags);
        List<String> acknowledged = new ArrayList<>();
        try (FirehoseClient firehose = firehose(); S3Client s3 = s3()) {
            s3.createBucket(r -> r.bucket("exactly"));
            firehose.createDeliveryStream(r -> r.deliveryStreamName("lines").extendedS3DestinationConfiguration(d -> d
                    .roleARN("arn:aws:iam::000000000000:role/firehose").bucketARN("arn:aws:s3:::exactly").prefix("lines/")
                    .bufferingHints(b -> b.intervalInSeconds(1))));
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> firehose.describeDeliveryStream(
                    r -> r.deliveryStreamName("lines")).deliveryStreamDescription().deliveryStreamStatus() == DeliveryStreamStatus.ACTIVE);

            put(firehose, 0, 10_000, acknowledged);
            Lake lake = new Lake(s3, "exactly", dir);
            // Mid-run: some files committed, the rest of the records still on their way.
            await().atMost(DELIVERY).pollInterval(Duration.ofMillis(200)).until(() -> !lake.lines("lines/").isEmpty());
            List<ProcessHandle> flink = runnel.children().stream()
                    .filter(p -> p.info().command().map(c -> c.endsWith("java")).orElse(false)).toList();
            assertThat(flink).as("the Flink runtime's JVM").isNotEmpty();
            flink.forEach(ProcessHandle::destroyForcibly);
            put(firehose, 10_000, 20_000, acknowledged);

            await().atMost(DELIVERY).pollInterval(Duration.ofSeconds(1)).until(() -> lake.lines("lines/").size() >= acknowledged.size());
            assertThat(lake.lines("lines/")).hasSize(acknowledged.size()).containsExactlyInAnyOrderElementsOf(acknowledged);

            // The server killed the moment it acknowledged more: those records are on their way, in no file yet.
            put(firehose, 20_000, 30_000, acknowledged);
            runnel.kill();
        }

        runnel = RunnelProcess.up(Path.of("target/runnel-firehose-recovery-2.log"), flags);
        try (FirehoseClient firehose = firehose(); S3Client s3 = s3()) {
            put(firehose, 30_000, 40_000, acknowledged);
            Lake lake = new Lake(s3, "exactly", dir);
            await().atMost(DELIVERY).pollInterval(Duration.ofSeconds(1)).until(() -> lake.lines("lines/").size() >= acknowledged.size());
            assertThat(lake.lines("lines/")).hasSize(acknowledged.size()).containsExactlyInAnyOrderElementsOf(acknowledged);
        }
    }

    private FirehoseClient firehose() {
        return FirehoseClient.builder().endpointOverride(runnel.endpoint()).region(Region.US_EAST_1).credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create(Commands.KEY, Commands.SECRET))).build();
    }

    private S3Client s3() throws Exception {
        return S3Client.builder().endpointOverride(runnel.s3Endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(Commands.KEY, Commands.SECRET))).build();
    }

    /**
     * Puts lines {@code from..to-1} in batches of 500; a line is acknowledged once its entry in a batch's answer
     * reports no failure, and one that failed is sent again.
     */
    private static void put(FirehoseClient firehose, int from, int to, List<String> acknowledged) {
        for (int start = from; start < to; start += 500) {
            List<String> pending = new ArrayList<>();
            for (int i = start; i < Math.min(to, start + 500); i++) {
                pending.add("line " + i);
            }
            for (int attempt = 1; !pending.isEmpty(); attempt++) {
                assertThat(attempt).as("attempts to put a batch").isLessThanOrEqualTo(10);
                List<String> lines = pending;
                var response = firehose.putRecordBatch(r -> r.deliveryStreamName("lines").records(lines.stream()
                        .map(l -> Record.builder().data(SdkBytes.fromUtf8String(l + "\n")).build()).toList()));
                pending = new ArrayList<>();
                for (int i = 0; i < lines.size(); i++) {
                    (response.requestResponses().get(i).errorCode() == null ? acknowledged : pending).add(lines.get(i));
                }
            }
        }
    }
}
