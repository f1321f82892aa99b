package io.runnel.server.video;

import io.runnel.server.testing.PutMedia;
import io.runnel.server.testing.RunnelServerExtension;
import io.runnel.server.testing.TestVideos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;
import software.amazon.awssdk.services.kinesisvideo.model.Status;

import java.nio.file.Files;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sweeper deletes fragments past their stream's retention, and all of a deleted stream's, and nothing else:
 * not the video analysis' thumbnails, which share the bucket.
 */
@ExtendWith(RunnelServerExtension.class)
class RetentionSweepTest {

    @Test
    void fragmentsPastRetentionAndOfDeletedStreamsAreDeleted() throws Exception {
        var endpoint = RunnelServerExtension.server().endpoint();
        VideoStreams streams = RunnelServerExtension.server().server.videoStreams();
        KinesisVideoClient video = KinesisVideoClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("runnel", "runnel"))).build();
        String kept = "sweep-kept-" + UUID.randomUUID();
        String deleted = "sweep-deleted-" + UUID.randomUUID();
        byte[] mkv = Files.readAllBytes(TestVideos.matroska(6));
        for (String name : new String[]{kept, deleted}) {
            video.createStream(b -> b.streamName(name).dataRetentionInHours(2));
            await().atMost(30, TimeUnit.SECONDS).until(() -> video.describeStream(b -> b.streamName(name)).streamInfo().status() == Status.ACTIVE);
            assertThat(PutMedia.put(endpoint, mkv, "x-amzn-stream-name", name).acks("PERSISTED")).hasSize(6);
        }
        VideoStream keptStream = streams.find(kept).orElseThrow();
        VideoStream deletedStream = streams.find(deleted).orElseThrow();
        video.deleteStream(b -> b.streamARN(deletedStream.arn()));

        long now = System.currentTimeMillis();
        String thumbnail = "thumbnails/" + deleted + "/" + (now - TimeUnit.DAYS.toMillis(1)) + ".jpg";
        streams.store().upload(VideoStreams.BUCKET, thumbnail, new byte[] {1, 2, 3});
        // A stream the sweeper does not know may just have been made: its fragments are spared ten minutes.
        streams.sweep(now);
        assertThat(streams.store().keys(VideoStreams.BUCKET, deletedStream.objectPrefix())).hasSize(6);
        streams.sweep(now + TimeUnit.MINUTES.toMillis(11));
        assertThat(streams.store().keys(VideoStreams.BUCKET, keptStream.objectPrefix())).hasSize(6);
        assertThat(streams.store().keys(VideoStreams.BUCKET, deletedStream.objectPrefix())).isEmpty();
        assertThat(streams.store().exists(VideoStreams.BUCKET, thumbnail)).isTrue();

        // Later, on this stream alone: other tests' streams share the server.
        streams.sweep(keptStream, now + TimeUnit.HOURS.toMillis(1));
        assertThat(streams.store().keys(VideoStreams.BUCKET, keptStream.objectPrefix())).hasSize(6);
        streams.sweep(keptStream, now + TimeUnit.HOURS.toMillis(3));
        assertThat(streams.store().keys(VideoStreams.BUCKET, keptStream.objectPrefix())).isEmpty();
    }
}
