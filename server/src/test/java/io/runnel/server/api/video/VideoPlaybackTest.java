package io.runnel.server.api.video;

import io.runnel.server.testing.PutMedia;
import io.runnel.server.testing.RunnelServerExtension;
import io.runnel.server.testing.TestVideos;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;
import software.amazon.awssdk.services.kinesisvideo.model.Status;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.KinesisVideoArchivedMediaClient;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.ClipFragmentSelectorType;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.ContainerFormat;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.Format;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSFragmentSelectorType;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.HLSPlaybackMode;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.Image;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.ImageSelectorType;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.NoDataRetentionException;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Playback of stored video: HLS sessions that Debian's ffprobe reads through (on demand) or follows (live), clips
 * as MP4 files, and images of frames at the times asked for.
 */
@ExtendWith(RunnelServerExtension.class)
class VideoPlaybackTest {

    private static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(AwsBasicCredentials.create("runnel", "runnel"));
    private static final long START = 1_700_000_000_000L;
    private static KinesisVideoClient video;
    private static KinesisVideoArchivedMediaClient archive;
    private static URI endpoint;
    /** A stream holding the 30-second test video, its producer timestamps from {@link #START}. */
    private static String thirtySeconds;

    @BeforeAll
    static void storeAVideo() throws Exception {
        endpoint = RunnelServerExtension.server().endpoint();
        video = KinesisVideoClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(CREDENTIALS).build();
        archive = KinesisVideoArchivedMediaClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(CREDENTIALS).build();
        thirtySeconds = activeStream(24);
        PutMedia.Result put = PutMedia.put(endpoint, Files.readAllBytes(TestVideos.matroska(30)), "x-amzn-stream-name", thirtySeconds,
                "x-amzn-fragment-timecode-type", "RELATIVE", "x-amzn-producer-start-timestamp", Long.toString(START / 1000));
        assertThat(put.acks("PERSISTED")).hasSize(30);
    }

    private static String activeStream(int retentionHours) {
        String name = "playback-" + UUID.randomUUID();
        video.createStream(b -> b.streamName(name).dataRetentionInHours(retentionHours));
        await().atMost(30, TimeUnit.SECONDS).until(() -> video.describeStream(b -> b.streamName(name)).streamInfo().status() == Status.ACTIVE);
        return name;
    }

    private static String ffprobe(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("ffprobe", "-v", "error"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private static double duration(String url) throws IOException, InterruptedException {
        return Double.parseDouble(ffprobe("-show_entries", "format=duration", "-of", "csv=p=0", url));
    }

    /** Decodes every frame of the input, as a player would; fails on a segment it cannot read. */
    private static int frames(String url) throws IOException, InterruptedException {
        return Integer.parseInt(ffprobe("-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames",
                "-of", "csv=p=0", url).lines().reduce((a, b) -> b).orElseThrow());
    }

    private static String hls(HLSPlaybackMode mode, ContainerFormat container) {
        return archive.getHLSStreamingSessionURL(b -> b.streamName(thirtySeconds).playbackMode(mode).containerFormat(container)
                .hlsFragmentSelector(s -> s.fragmentSelectorType(HLSFragmentSelectorType.PRODUCER_TIMESTAMP)
                        .timestampRange(r -> r.startTimestamp(Instant.ofEpochMilli(START)).endTimestamp(Instant.ofEpochMilli(START + 60_000)))))
                .hlsStreamingSessionURL();
    }

    @Test
    void ffprobeReadsAnOnDemandSessionThroughInEitherContainer() throws Exception {
        for (ContainerFormat container : List.of(ContainerFormat.FRAGMENTED_MP4, ContainerFormat.MPEG_TS)) {
            String url = hls(HLSPlaybackMode.ON_DEMAND, container);
            assertThat(url).startsWith(endpoint + "/hls/v1/getHLSMasterPlaylist.m3u8?SessionToken=");
            assertThat(duration(url)).as(container.toString()).isCloseTo(30.0, org.assertj.core.data.Offset.offset(0.5));
            assertThat(frames(url)).as(container.toString()).isEqualTo(30 * 25);
        }
    }

    @Test
    void aTamperedSessionTokenIsRefused() throws Exception {
        String url = hls(HLSPlaybackMode.ON_DEMAND, ContainerFormat.FRAGMENTED_MP4);
        String forged = url.replace("SessionToken=", "SessionToken=x");
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(forged)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(403);
    }

    @Test
    void aLiveSessionFollowsAProducerThatIsStillPushing() throws Exception {
        String stream = activeStream(1);
        // ffmpeg -re sends at the video's own pace, as a camera does: 12 fragments over 12 seconds.
        Process producer = new ProcessBuilder("ffmpeg", "-loglevel", "error", "-re", "-i", TestVideos.mp4(12).toString(), "-c", "copy",
                "-f", "matroska", "-method", "POST", "-headers", "x-amzn-stream-name: " + stream + "\r\n", endpoint + "/putMedia")
                .redirectErrorStream(true).start();
        try {
            await().atMost(30, TimeUnit.SECONDS).ignoreExceptions().until(() -> archive.getHLSStreamingSessionURL(
                    b -> b.streamName(stream).playbackMode(HLSPlaybackMode.LIVE)).hlsStreamingSessionURL() != null);
            String url = archive.getHLSStreamingSessionURL(b -> b.streamName(stream).playbackMode(HLSPlaybackMode.LIVE)).hlsStreamingSessionURL();
            String mediaUrl = url.replace("getHLSMasterPlaylist", "getHLSMediaPlaylist");
            String first = get(mediaUrl);
            assertThat(first).doesNotContain("#EXT-X-ENDLIST");
            long firstSequence = sequence(first);
            await().atMost(30, TimeUnit.SECONDS).until(() -> sequence(get(mediaUrl)) > firstSequence);
            assertThat(producer.isAlive()).as("the producer is still pushing").isTrue();
            // The newest segment plays: its initialization segment and itself hold a second of frames.
            String playlist = get(mediaUrl);
            String newest = playlist.lines().filter(l -> l.startsWith("getMP4MediaFragment")).reduce((a, b) -> b).orElseThrow();
            Path segment = Files.createTempFile("runnel-live", ".mp4");
            Files.write(segment, bytes(url.replace("getHLSMasterPlaylist.m3u8", "getMP4InitFragment.mp4")));
            Files.write(segment, bytes(endpoint + "/hls/v1/" + newest), java.nio.file.StandardOpenOption.APPEND);
            assertThat(frames(segment.toString())).isEqualTo(25);
            Files.delete(segment);
        } finally {
            assertThat(producer.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(producer.exitValue()).isZero();
    }

    private static String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private static byte[] bytes(String url) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static long sequence(String playlist) {
        return playlist.lines().filter(l -> l.startsWith("#EXT-X-MEDIA-SEQUENCE:")).mapToLong(l -> Long.parseLong(l.substring(22))).findFirst()
                .orElseThrow();
    }

    @Test
    void getClipReturnsAnMp4OfTheFragmentsInTheRange(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path clip = dir.resolve("clip.mp4");
        archive.getClip(b -> b.streamName(thirtySeconds).clipFragmentSelector(s -> s.fragmentSelectorType(ClipFragmentSelectorType.PRODUCER_TIMESTAMP)
                .timestampRange(r -> r.startTimestamp(Instant.ofEpochMilli(START + 2_000)).endTimestamp(Instant.ofEpochMilli(START + 5_500)))), clip);
        assertThat(ffprobe("-show_entries", "format=format_name", "-of", "csv=p=0", clip.toString())).contains("mp4");
        // The fragments that play some of 2.0 s to 5.5 s: those starting at 2, 3, 4 and 5 seconds.
        assertThat(duration(clip.toString())).isCloseTo(4.0, org.assertj.core.data.Offset.offset(0.1));
        assertThat(frames(clip.toString())).isEqualTo(100);
    }

    @Test
    void getImagesReturnsTheFramesAtTheTimesAskedFor(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        List<Image> images = archive.getImages(b -> b.streamName(thirtySeconds).imageSelectorType(ImageSelectorType.PRODUCER_TIMESTAMP)
                .startTimestamp(Instant.ofEpochMilli(START + 1_500)).endTimestamp(Instant.ofEpochMilli(START + 4_500))
                .samplingInterval(1000).format(Format.PNG)).images();
        assertThat(images).extracting(Image::timeStamp).containsExactly(Instant.ofEpochMilli(START + 1_500), Instant.ofEpochMilli(START + 2_500),
                Instant.ofEpochMilli(START + 3_500), Instant.ofEpochMilli(START + 4_500));
        for (Image image : images) {
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(java.util.Base64.getDecoder().decode(image.imageContent())));
            assertThat(decoded.getWidth()).isEqualTo(320);
            double seconds = (image.timeStamp().toEpochMilli() - START) / 1000.0;
            // The image is of the frame at its time: closer to ffmpeg's frame there than to one a second away.
            double here = difference(decoded, reference(dir, seconds));
            assertThat(here).isLessThan(difference(decoded, reference(dir, seconds + 1)));
            assertThat(here).isLessThan(difference(decoded, reference(dir, seconds - 1)));
        }

        List<Image> small = archive.getImages(b -> b.streamName(thirtySeconds).imageSelectorType(ImageSelectorType.PRODUCER_TIMESTAMP)
                .startTimestamp(Instant.ofEpochMilli(START + 29_000)).endTimestamp(Instant.ofEpochMilli(START + 31_000))
                .samplingInterval(1000).format(Format.JPEG).widthPixels(160).heightPixels(120)).images();
        assertThat(small).hasSize(3);
        assertThat(ImageIO.read(new ByteArrayInputStream(java.util.Base64.getDecoder().decode(small.get(0).imageContent()))).getHeight()).isEqualTo(120);
        assertThat(small.get(2).errorAsString()).isEqualTo("NO_MEDIA");

        String unretained = activeStream(0);
        assertThatThrownBy(() -> archive.getImages(b -> b.streamName(unretained).imageSelectorType(ImageSelectorType.SERVER_TIMESTAMP)
                .startTimestamp(Instant.now().minusSeconds(10)).endTimestamp(Instant.now()).format(Format.PNG)))
                .isInstanceOf(NoDataRetentionException.class);
    }

    private static BufferedImage reference(Path dir, double seconds) throws IOException, InterruptedException {
        Path png = dir.resolve("frame-" + seconds + ".png");
        Process p = new ProcessBuilder("ffmpeg", "-loglevel", "error", "-y", "-i", TestVideos.mp4(30).toString(), "-ss", Double.toString(seconds),
                "-frames:v", "1", png.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return ImageIO.read(png.toFile());
    }

    /** The mean absolute difference of two images' pixels, over their channels. */
    private static double difference(BufferedImage a, BufferedImage b) {
        double sum = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    sum += Math.abs(((p >> shift) & 0xFF) - ((q >> shift) & 0xFF));
                }
            }
        }
        return sum / (a.getWidth() * a.getHeight() * 3.0);
    }
}
