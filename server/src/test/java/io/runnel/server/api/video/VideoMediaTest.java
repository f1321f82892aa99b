package io.runnel.server.api.video;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.Main;
import io.runnel.server.testing.PutMedia;
import io.runnel.server.testing.RunnelServerExtension;
import io.runnel.server.testing.TestVideos;
import io.runnel.video.mkv.Ebml;
import io.runnel.video.mkv.Fragment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;
import software.amazon.awssdk.services.kinesisvideo.model.APIName;
import software.amazon.awssdk.services.kinesisvideo.model.Status;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.KinesisVideoArchivedMediaClient;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.FragmentSelectorType;
import software.amazon.awssdk.services.kinesisvideomedia.KinesisVideoMediaClient;
import software.amazon.awssdk.services.kinesisvideomedia.model.StartSelectorType;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PutMedia, ListFragments, GetMedia and GetMediaForFragmentList with the AWS SDK's Kinesis Video clients (and a
 * chunked POST for PutMedia, which the SDK lacks), on video Debian's ffmpeg makes; and what a producer can get
 * wrong.
 */
@ExtendWith(RunnelServerExtension.class)
class VideoMediaTest {

    private static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(AwsBasicCredentials.create("runnel", "runnel"));
    private static KinesisVideoClient video;
    private static URI endpoint;

    @BeforeAll
    static void clients() {
        endpoint = RunnelServerExtension.server().endpoint();
        video = KinesisVideoClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(CREDENTIALS).build();
    }

    private static String activeStream(int retentionHours) {
        String name = "camera-" + UUID.randomUUID();
        video.createStream(b -> b.streamName(name).dataRetentionInHours(retentionHours).mediaType("video/h264"));
        await().atMost(30, TimeUnit.SECONDS).until(() -> video.describeStream(b -> b.streamName(name)).streamInfo().status() == Status.ACTIVE);
        return name;
    }

    private static URI dataEndpoint(String stream, APIName api) {
        return URI.create(video.getDataEndpoint(b -> b.streamName(stream).apiName(api)).dataEndpoint());
    }

    private static KinesisVideoMediaClient media(String stream) {
        return KinesisVideoMediaClient.builder().endpointOverride(dataEndpoint(stream, APIName.GET_MEDIA)).region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS).build();
    }

    private static KinesisVideoArchivedMediaClient archive(String stream) {
        return KinesisVideoArchivedMediaClient.builder().endpointOverride(dataEndpoint(stream, APIName.LIST_FRAGMENTS))
                .region(Region.US_EAST_1).credentialsProvider(CREDENTIALS).build();
    }

    private static List<software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.Fragment> listed(String stream) {
        try (KinesisVideoArchivedMediaClient archive = archive(stream)) {
            List<software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.Fragment> all = new ArrayList<>();
            archive.listFragmentsPaginator(b -> b.streamName(stream).maxResults(4L)).forEach(page -> all.addAll(page.fragments()));
            all.sort(Comparator.comparing(f -> f.producerTimestamp()));
            return all;
        }
    }

    private static List<String> tagValues(byte[] media, String name) {
        List<String> values = new ArrayList<>();
        byte[] needle = name.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i + needle.length < media.length; i++) {
            if (java.util.Arrays.equals(media, i, i + needle.length, needle, 0, needle.length)) {
                // TagName's data, then a TagString element: id 0x4487, an eight-byte size, its text.
                int at = i + needle.length;
                Ebml.Header h = Ebml.header(media, at, media.length);
                values.add(new String(media, at + h.length(), (int) h.size(), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    @Test
    void fragmentsComeBackByteForByteThroughGetMediaAndGetMediaForFragmentList() throws Exception {
        String stream = activeStream(24);
        byte[] sent = Files.readAllBytes(TestVideos.matroska(6));
        List<Fragment> expected = TestVideos.fragments(sent);
        assertThat(expected).hasSize(6);
        long start = 1_700_000_000_000L;

        PutMedia.Result put = PutMedia.put(dataEndpoint(stream, APIName.PUT_MEDIA), sent, "x-amzn-stream-name", stream,
                "x-amzn-fragment-timecode-type", "RELATIVE", "x-amzn-producer-start-timestamp", "1700000000.000");
        assertThat(put.status()).isEqualTo(200);
        assertThat(put.acks("ERROR")).isEmpty();
        assertThat(put.acks("BUFFERING")).extracting(a -> a.get("FragmentTimecode").asLong()).containsExactly(0L, 1000L, 2000L, 3000L, 4000L, 5000L);
        assertThat(put.acks("RECEIVED")).hasSize(6);
        List<JsonNode> persisted = put.acks("PERSISTED");
        assertThat(persisted).extracting(a -> a.get("FragmentTimecode").asLong()).containsExactly(0L, 1000L, 2000L, 3000L, 4000L, 5000L);
        List<String> numbers = persisted.stream().map(a -> a.get("FragmentNumber").asText()).toList();

        var listed = listed(stream);
        assertThat(listed).extracting(f -> f.fragmentNumber()).containsExactlyElementsOf(numbers);
        for (int i = 0; i < 6; i++) {
            assertThat(listed.get(i).producerTimestamp()).isEqualTo(Instant.ofEpochMilli(start + 1000L * i));
            assertThat(listed.get(i).fragmentLengthInMilliseconds()).isEqualTo(1000L);
            assertThat(listed.get(i).fragmentSizeInBytes()).isEqualTo(expected.get(i).size());
        }

        try (KinesisVideoMediaClient media = media(stream)) {
            byte[] all = media.getMedia(b -> b.streamName(stream).startSelector(s -> s.startSelectorType(StartSelectorType.EARLIEST))).readAllBytes();
            assertThat(TestVideos.fragments(all)).extracting(f -> f.cluster()).containsExactlyElementsOf(expected.stream().map(Fragment::cluster).toList());
            assertThat(tagValues(all, "AWS_KINESISVIDEO_FRAGMENT_NUMBER")).containsExactlyElementsOf(numbers);
            assertThat(tagValues(all, "AWS_KINESISVIDEO_PRODUCER_TIMESTAMP")).containsExactly(
                    "1700000000.000", "1700000001.000", "1700000002.000", "1700000003.000", "1700000004.000", "1700000005.000");

            byte[] fromFourth = media.getMedia(b -> b.streamName(stream).startSelector(s -> s.startSelectorType(StartSelectorType.FRAGMENT_NUMBER)
                    .afterFragmentNumber(numbers.get(3)))).readAllBytes();
            assertThat(tagValues(fromFourth, "AWS_KINESISVIDEO_FRAGMENT_NUMBER")).containsExactlyElementsOf(numbers.subList(3, 6));

            byte[] resumed = media.getMedia(b -> b.streamName(stream).startSelector(s -> s.startSelectorType(StartSelectorType.CONTINUATION_TOKEN)
                    .continuationToken(numbers.get(4)))).readAllBytes();
            assertThat(tagValues(resumed, "AWS_KINESISVIDEO_FRAGMENT_NUMBER")).containsExactly(numbers.get(5));
        }

        try (KinesisVideoArchivedMediaClient archive = archive(stream)) {
            List<String> picked = List.of(numbers.get(4), numbers.get(1));
            byte[] two = archive.getMediaForFragmentList(b -> b.streamName(stream).fragments(picked)).readAllBytes();
            assertThat(TestVideos.fragments(two)).extracting(f -> f.cluster()).containsExactly(expected.get(4).cluster(), expected.get(1).cluster());

            var range = archive.listFragments(b -> b.streamName(stream).fragmentSelector(s -> s.fragmentSelectorType(FragmentSelectorType.PRODUCER_TIMESTAMP)
                    .timestampRange(r -> r.startTimestamp(Instant.ofEpochMilli(start + 2000)).endTimestamp(Instant.ofEpochMilli(start + 3000))))).fragments();
            assertThat(range).extracting(f -> f.fragmentNumber()).containsExactlyInAnyOrder(numbers.get(2), numbers.get(3));
        }
    }

    @Test
    void getMediaFromNowFollowsAProducerLive() throws Exception {
        String stream = activeStream(1);
        byte[] sent = Files.readAllBytes(TestVideos.matroska(6));
        // GetMedia answers its status at once; once it has, what the producer sends next is live to it.
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(endpoint.resolve("/getMedia"))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"StreamName\":\"" + stream + "\",\"StartSelector\":{\"StartSelectorType\":\"NOW\"}}"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("video/webm");
        assertThat(PutMedia.put(endpoint, sent, "x-amzn-stream-name", stream).acks("PERSISTED")).hasSize(6);
        try (var live = response.body()) {
            assertThat(TestVideos.fragments(live.readAllBytes())).extracting(Fragment::cluster)
                    .containsExactlyElementsOf(TestVideos.fragments(sent).stream().map(Fragment::cluster).toList());
        }
    }

    @Test
    void ffmpegPushesAThirtySecondVideoAndEveryFragmentIsStored() throws Exception {
        String stream = activeStream(1);
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-loglevel", "error", "-i", TestVideos.mp4(30).toString(), "-c", "copy",
                "-f", "matroska", "-method", "POST", "-headers", "x-amzn-stream-name: " + stream + "\r\n",
                dataEndpoint(stream, APIName.PUT_MEDIA) + "/putMedia").redirectErrorStream(true).start();
        String output = new String(ffmpeg.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ffmpeg.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(ffmpeg.exitValue()).as(output).isZero();

        // ffmpeg does not wait for its acknowledgements: the last fragments are stored just after it exits.
        await().atMost(30, TimeUnit.SECONDS).until(() -> listed(stream).size() >= 30);
        var listed = listed(stream);
        assertThat(listed).hasSize(30);
        assertThat(listed.stream().mapToLong(f -> f.fragmentLengthInMilliseconds()).sum()).isEqualTo(30_000);
    }

    @Test
    void runnelVideoPutPushesAFileAsItIsAndEncodesWhatIsNotH264() throws Exception {
        String stream = activeStream(1);
        int copied = new CommandLine(new Main()).execute("video", "put", "--endpoint", endpoint.toString(), stream, TestVideos.mp4(30).toString());
        assertThat(copied).isZero();
        assertThat(listed(stream)).hasSize(30);

        // A source that is not H.264 (here FFmpeg's raw test pattern, as from a camera) is encoded, a key frame a second.
        String camera = activeStream(1);
        int encoded = new CommandLine(new Main()).execute("video", "put", "--endpoint", endpoint.toString(), "--format", "lavfi", camera,
                "testsrc=size=320x240:rate=25:duration=5");
        assertThat(encoded).isZero();
        assertThat(listed(camera)).hasSize(5).allSatisfy(f -> assertThat(f.fragmentLengthInMilliseconds()).isEqualTo(1000));

        assertThat(new CommandLine(new Main()).execute("video", "put", "--endpoint", endpoint.toString(), "no-such-stream",
                TestVideos.mp4(30).toString())).isEqualTo(1);
    }

    @Test
    void bytesThatAreNotMatroskaGetAnInvalidMkvDataAcknowledgementAndTheStreamTakesTheNextProducer() throws Exception {
        String stream = activeStream(1);
        byte[] good = Files.readAllBytes(TestVideos.matroska(6));
        byte[] garbage = "this is not a video at all".getBytes(StandardCharsets.UTF_8);
        byte[] goodThenGarbage = java.util.Arrays.copyOf(good, good.length + garbage.length);
        System.arraycopy(garbage, 0, goodThenGarbage, good.length, garbage.length);

        PutMedia.Result bad = PutMedia.put(endpoint, garbage, "x-amzn-stream-name", stream);
        assertThat(bad.status()).isEqualTo(200);
        assertThat(bad.acks("ERROR")).singleElement().satisfies(a -> {
            assertThat(a.get("ErrorId").asInt()).isEqualTo(4006);
            assertThat(a.get("ErrorCode").asText()).isEqualTo("INVALID_MKV_DATA");
        });

        PutMedia.Result partly = PutMedia.put(endpoint, goodThenGarbage, "x-amzn-stream-name", stream);
        assertThat(partly.acks("PERSISTED")).hasSize(6);
        assertThat(partly.acks("ERROR")).extracting(a -> a.get("ErrorCode").asText()).containsExactly("INVALID_MKV_DATA");

        PutMedia.Result next = PutMedia.put(endpoint, good, "x-amzn-stream-name", stream);
        assertThat(next.acks("PERSISTED")).hasSize(6);
        assertThat(listed(stream)).hasSize(12);
    }

    @Test
    void timecodesThatGoBackwardsAreRefusedFragmentByFragment() throws Exception {
        String stream = activeStream(1);
        byte[] good = Files.readAllBytes(TestVideos.matroska(6));
        byte[] twice = java.util.Arrays.copyOf(good, 2 * good.length);
        System.arraycopy(good, 0, twice, good.length, good.length);

        PutMedia.Result put = PutMedia.put(endpoint, twice, "x-amzn-stream-name", stream, "x-amzn-fragment-timecode-type", "RELATIVE");
        assertThat(put.acks("PERSISTED")).hasSize(6);
        assertThat(put.acks("ERROR")).hasSize(6).allSatisfy(a -> {
            assertThat(a.get("ErrorId").asInt()).isEqualTo(4004);
            assertThat(a.get("ErrorCode").asText()).isEqualTo("FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS");
        });
        assertThat(listed(stream)).hasSize(6);
    }

    @Test
    void aProducerThatDisconnectsMidFragmentKeepsTheFragmentsItCompleted() throws Exception {
        String stream = activeStream(1);
        byte[] good = Files.readAllBytes(TestVideos.matroska(6));
        List<Fragment> fragments = TestVideos.fragments(good);
        int cut = good.length - fragments.get(5).cluster().length - fragments.get(4).cluster().length / 2;

        try (Socket socket = new Socket(endpoint.getHost(), endpoint.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /putMedia HTTP/1.1\r\nHost: " + endpoint.getHost() + "\r\nx-amzn-stream-name: " + stream
                    + "\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write((Integer.toHexString(cut) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(good, 0, cut);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        await().atMost(30, TimeUnit.SECONDS).until(() -> listed(stream).size() == 4);
        PutMedia.Result next = PutMedia.put(endpoint, good, "x-amzn-stream-name", stream);
        assertThat(next.acks("PERSISTED")).hasSize(6);
        try (KinesisVideoArchivedMediaClient archive = archive(stream)) {
            var listed = listed(stream);
            assertThat(listed).hasSize(10);
            byte[] first = archive.getMediaForFragmentList(b -> b.streamName(stream).fragments(listed.get(0).fragmentNumber())).readAllBytes();
            assertThat(TestVideos.fragments(first)).singleElement().satisfies(f -> assertThat(f.cluster()).isEqualTo(fragments.get(0).cluster()));
        }
    }

    @Test
    void aStreamThatDoesNotExistIsNotFound() throws IOException, InterruptedException {
        PutMedia.Result result = PutMedia.put(endpoint, new byte[100], "x-amzn-stream-name", "no-such-camera");
        assertThat(result.status()).isEqualTo(404);
        assertThat(result.body()).contains("ResourceNotFoundException");
    }
}
