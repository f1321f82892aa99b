package io.runnel.server.api.video;

import io.runnel.server.testing.RunnelServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;
import software.amazon.awssdk.services.kinesisvideo.model.APIName;
import software.amazon.awssdk.services.kinesisvideo.model.ComparisonOperator;
import software.amazon.awssdk.services.kinesisvideo.model.KinesisVideoException;
import software.amazon.awssdk.services.kinesisvideo.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesisvideo.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesisvideo.model.Status;
import software.amazon.awssdk.services.kinesisvideo.model.StreamInfo;
import software.amazon.awssdk.services.kinesisvideo.model.TagsPerResourceExceededLimitException;
import software.amazon.awssdk.services.kinesisvideo.model.UpdateDataRetentionOperation;
import software.amazon.awssdk.services.kinesisvideo.model.VersionMismatchException;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The Kinesis Video control plane with the AWS SDK's KinesisVideoClient: what it returns, and how it refuses. */
@ExtendWith(RunnelServerExtension.class)
class VideoControlPlaneTest {

    private static KinesisVideoClient video;
    private static KinesisClient kinesis;

    @BeforeAll
    static void clients() {
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("runnel", "runnel"));
        var endpoint = RunnelServerExtension.server().endpoint();
        video = KinesisVideoClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(credentials).build();
        kinesis = KinesisClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(credentials).build();
    }

    private static StreamInfo describe(String name) {
        return video.describeStream(b -> b.streamName(name)).streamInfo();
    }

    @Test
    void aStreamIsCreatedDescribedListedUpdatedTaggedAndDeleted() throws Exception {
        String name = "doorbell-" + UUID.randomUUID();
        String arn = video.createStream(b -> b.streamName(name).deviceName("porch").mediaType("video/h264")
                .dataRetentionInHours(2).tags(Map.of("site", "home"))).streamARN();
        assertThat(arn).matches("arn:aws:kinesisvideo:us-east-1:\\d+:stream/" + name + "/\\d{13}");
        await().atMost(30, TimeUnit.SECONDS).until(() -> describe(name).status() == Status.ACTIVE);

        StreamInfo info = describe(name);
        assertThat(info.streamARN()).isEqualTo(arn);
        assertThat(info.deviceName()).isEqualTo("porch");
        assertThat(info.mediaType()).isEqualTo("video/h264");
        assertThat(info.dataRetentionInHours()).isEqualTo(2);
        assertThat(info.kmsKeyId()).endsWith(":alias/aws/kinesisvideo");
        assertThat(info.version()).matches("[a-zA-Z0-9]{20}");
        assertThat(video.describeStream(b -> b.streamARN(arn)).streamInfo()).isEqualTo(info);
        // Its fragment index is a data stream Flink jobs can read.
        assertThat(kinesis.describeStreamSummary(b -> b.streamName("kinesisvideo-" + name)).streamDescriptionSummary().openShardCount()).isEqualTo(1);

        assertThat(video.listStreams(b -> b.streamNameCondition(c -> c.comparisonOperator(ComparisonOperator.BEGINS_WITH)
                .comparisonValue(name))).streamInfoList()).extracting(StreamInfo::streamName).containsExactly(name);
        assertThat(video.getDataEndpoint(b -> b.streamName(name).apiName(APIName.GET_HLS_STREAMING_SESSION_URL)).dataEndpoint())
                .isEqualTo(RunnelServerExtension.server().endpoint().toString());

        assertThatThrownBy(() -> video.updateStream(b -> b.streamName(name).currentVersion("stale").deviceName("garage")))
                .isInstanceOf(VersionMismatchException.class);
        video.updateStream(b -> b.streamName(name).currentVersion(info.version()).deviceName("garage"));
        StreamInfo updated = describe(name);
        assertThat(updated.deviceName()).isEqualTo("garage");
        assertThat(updated.version()).isNotEqualTo(info.version());

        video.updateDataRetention(b -> b.streamName(name).currentVersion(updated.version())
                .operation(UpdateDataRetentionOperation.INCREASE_DATA_RETENTION).dataRetentionChangeInHours(22));
        assertThat(describe(name).dataRetentionInHours()).isEqualTo(24);
        // The index outlives its fragments by an hour, in Kafka too.
        assertThat(indexTopicRetention(name)).isEqualTo(Duration.ofHours(25));
        String kept = "archive-" + UUID.randomUUID();
        video.createStream(b -> b.streamName(kept).mediaType("video/h264").dataRetentionInHours(48));
        assertThat(indexTopicRetention(kept)).isEqualTo(Duration.ofHours(49));
        video.deleteStream(b -> b.streamARN(describe(kept).streamARN()));
        assertThatThrownBy(() -> video.updateDataRetention(b -> b.streamName(name).currentVersion(describe(name).version())
                .operation(UpdateDataRetentionOperation.DECREASE_DATA_RETENTION).dataRetentionChangeInHours(25)))
                .isInstanceOfSatisfying(KinesisVideoException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidArgumentException");
                    assertThat(e.getMessage()).contains("between 0 and 87600");
                });

        video.tagStream(b -> b.streamARN(arn).tags(Map.of("floor", "1")));
        video.untagStream(b -> b.streamName(name).tagKeyList("site", "absent"));
        assertThat(video.listTagsForStream(b -> b.streamName(name)).tags()).containsExactly(Map.entry("floor", "1"));
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i < 50; i++) {
            many.put("k" + i, "v");
        }
        assertThatThrownBy(() -> video.tagStream(b -> b.streamName(name).tags(many))).isInstanceOf(TagsPerResourceExceededLimitException.class);

        video.deleteStream(b -> b.streamARN(arn));
        assertThatThrownBy(() -> describe(name)).isInstanceOfSatisfying(ResourceNotFoundException.class,
                e -> assertThat(e.statusCode()).isEqualTo(404));
    }

    @Test
    void mistakesAreRefusedAsKinesisVideoStreamsRefusesThem() {
        String name = "gate-" + UUID.randomUUID();
        video.createStream(b -> b.streamName(name));
        assertThatThrownBy(() -> video.createStream(b -> b.streamName(name))).isInstanceOf(ResourceInUseException.class)
                .hasMessageContaining("already exists");
        assertThat(describe(name).dataRetentionInHours()).isZero();

        assertThatThrownBy(() -> video.createStream(b -> b.streamName("no spaces please")))
                .isInstanceOfSatisfying(KinesisVideoException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("streamName").contains("[a-zA-Z0-9_.-]+");
                });
        assertThatThrownBy(() -> video.describeStream(b -> b.streamName("nobody-" + UUID.randomUUID())))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> video.describeStream(b -> { }))
                .isInstanceOfSatisfying(KinesisVideoException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidArgumentException");
                    assertThat(e.getMessage()).contains("StreamName or StreamARN");
                });
        assertThatThrownBy(() -> video.deleteStream(b -> b.streamARN(describe(name).streamARN()).currentVersion("old")))
                .isInstanceOf(VersionMismatchException.class);
        assertThat(describe(name).status()).isNotEqualTo(Status.DELETING);
    }

    private static Duration indexTopicRetention(String stream) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(Map.of(
                "bootstrap.servers", RunnelServerExtension.server().server.bootstrapServers()))) {
            org.apache.kafka.common.config.ConfigResource topic = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, "runnel.kinesisvideo-" + stream);
            return Duration.ofMillis(Long.parseLong(admin.describeConfigs(List.of(topic)).all().get().get(topic).get("retention.ms").value()));
        }
    }
}
