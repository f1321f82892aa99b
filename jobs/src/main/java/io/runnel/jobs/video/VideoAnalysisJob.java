package io.runnel.jobs.video;

import io.runnel.connectors.catalog.RunnelApiClient;
import io.runnel.connectors.catalog.RunnelCatalogOptions;
import io.runnel.connectors.sink.RunnelSink;
import io.runnel.connectors.source.RunnelSource;
import io.runnel.connectors.source.StartingPosition;
import io.runnel.video.index.FragmentIndex;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Video analysis as a Flink job: reads the fragment index of one or more video streams, analyses each stream's
 * frames in order (shot boundaries, shots, motion; see {@link io.runnel.video.analysis.VideoAnalysis}) and writes
 * the events as JSON records to a Runnel data stream, exactly once: in Kafka transactions that a checkpoint commits.
 *
 * <pre>
 * flink run -c io.runnel.jobs.video.VideoAnalysisJob runnel-jobs.jar --stream cam1 [--stream cam2 ...] --events cam-events \
 *     [--endpoint http://127.0.0.1:4567] [--access-key-id K --secret-access-key S] [--thumbnails s3://runnel-video/thumbnails/]
 * </pre>
 * Streams are analysed in parallel, each by a subtask of its own. The job needs a checkpoint interval (the
 * runtime sets one; with {@code flink run}, set {@code execution.checkpointing.interval}): events become visible
 * when the checkpoint after them completes.
 */
public final class VideoAnalysisJob {

    /** Where thumbnails go unless told: the bucket where the server keeps fragments. */
    public static final String DEFAULT_THUMBNAILS = "s3://runnel-video/thumbnails/";

    /**
     * What the job analyses and where it writes.
     *
     * @param bootstrapServers the Kafka cluster behind the server; null to ask the server
     * @param key              an access key id and its secret for a server with --auth, or null
     */
    public record Settings(List<String> streams, String events, URI endpoint, String bootstrapServers, String metadataTopic,
                           String[] key, String region, String thumbnails, String transactionalIdPrefix) {

        public static Settings parse(String... args) {
            List<String> streams = new ArrayList<>();
            String events = null;
            String endpoint = RunnelCatalogOptions.DEFAULT_ENDPOINT;
            String servers = null;
            String topic = io.runnel.core.MetadataLog.DEFAULT_TOPIC;
            String accessKey = null;
            String secret = null;
            String region = "us-east-1";
            String thumbnails = DEFAULT_THUMBNAILS;
            String prefix = null;
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw usage("'" + args[i] + "' needs a value");
                }
                String value = args[i + 1];
                switch (args[i]) {
                    case "--stream" -> streams.add(value);
                    case "--events" -> events = value;
                    case "--endpoint" -> endpoint = value;
                    case "--bootstrap-servers" -> servers = value;
                    case "--metadata-topic" -> topic = value;
                    case "--access-key-id" -> accessKey = value;
                    case "--secret-access-key" -> secret = value;
                    case "--region" -> region = value;
                    case "--thumbnails" -> thumbnails = value;
                    case "--transactional-id-prefix" -> prefix = value;
                    default -> throw usage("unknown option '" + args[i] + "'");
                }
            }
            if (streams.isEmpty() || events == null) {
                throw usage("--stream and --events are required");
            }
            if (new java.util.HashSet<>(streams).size() < streams.size()) {
                throw usage("each --stream once");
            }
            if ((accessKey == null) != (secret == null)) {
                throw usage("--access-key-id and --secret-access-key go together");
            }
            if (prefix == null) {
                prefix = "runnel-video-" + events + "-" + String.join("+", streams);
            }
            return new Settings(List.copyOf(streams), events, URI.create(endpoint), servers, topic,
                    accessKey == null ? null : new String[] {accessKey, secret}, region, thumbnails, prefix);
        }

        private static IllegalArgumentException usage(String problem) {
            return new IllegalArgumentException(problem + "; usage: VideoAnalysisJob --stream VIDEO_STREAM [--stream ...] --events "
                    + "DATA_STREAM [--endpoint URL] [--access-key-id K --secret-access-key S] [--region R] [--bootstrap-servers "
                    + "HOST:PORT] [--metadata-topic T] [--thumbnails URI] [--transactional-id-prefix P]");
        }

        /** The Kafka cluster: as given, else as the server tells. */
        String kafka() {
            if (bootstrapServers != null) {
                return bootstrapServers;
            }
            Configuration options = new Configuration();
            options.set(RunnelCatalogOptions.ENDPOINT, endpoint.toString());
            options.set(RunnelCatalogOptions.REGION, region);
            if (key != null) {
                options.set(RunnelCatalogOptions.ACCESS_KEY_ID, key[0]);
                options.set(RunnelCatalogOptions.SECRET_ACCESS_KEY, key[1]);
            }
            return RunnelApiClient.of(options, new Configuration()).bootstrapServers();
        }
    }

    private VideoAnalysisJob() {
    }

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.parse(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        if (!env.getCheckpointConfig().isCheckpointingEnabled()) {
            throw new IllegalArgumentException("the video analysis writes its events when a checkpoint completes: set "
                    + "execution.checkpointing.interval (flink run -Dexecution.checkpointing.interval=5s ...)");
        }
        build(env, settings);
        env.execute("video analysis of " + String.join(", ", settings.streams()));
    }

    /**
     * Adds the analysis to {@code env}: each video stream its own source and analysis (a thread of its own, whatever
     * the job's parallelism), their events joined into one sink, each stream's in order.
     */
    public static void build(StreamExecutionEnvironment env, Settings settings) {
        String kafka = settings.kafka();
        DataStream<VideoEvent> events = null;
        for (String stream : settings.streams()) {
            DataStream<VideoEvent> found = env.fromSource(RunnelSource.<IndexedFragment>builder()
                            .bootstrapServers(kafka).metadataTopic(settings.metadataTopic()).stream(FragmentIndex.streamName(stream))
                            .startingPosition(StartingPosition.trimHorizon())
                            .deserializer(IndexedFragment.of(stream)).build(),
                    WatermarkStrategy.noWatermarks(), "fragments of " + stream).uid("index-" + stream).setParallelism(1)
                    .keyBy(IndexedFragment::stream)
                    .process(new AnalyseFragments(settings.endpoint(), settings.key(), settings.region(), settings.thumbnails()))
                    .returns(TypeInformation.of(VideoEvent.class)).name("analyse " + stream).uid("analyse-" + stream).setParallelism(1);
            events = events == null ? found : events.union(found);
        }
        // Keyed again so that each stream's events reach the sink's subtask for that stream in the order found.
        events.keyBy(VideoEvent::stream).sinkTo(RunnelSink.<VideoEvent>builder()
                        .bootstrapServers(kafka).metadataTopic(settings.metadataTopic()).stream(settings.events())
                        .serializer(event -> event.json().getBytes(StandardCharsets.UTF_8))
                        .partitionKey(VideoEvent::stream)
                        .deliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                        .transactionalIdPrefix(settings.transactionalIdPrefix())
                        .build())
                .name("events to " + settings.events()).uid("events");
    }
}
