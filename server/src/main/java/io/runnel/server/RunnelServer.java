package io.runnel.server;

import io.runnel.core.MetadataLog;
import io.runnel.server.api.ApiService;
import io.runnel.server.api.analytics.Analytics;
import io.runnel.server.api.firehose.Firehose;
import io.runnel.server.api.glue.Glue;
import io.runnel.server.api.kinesis.Kinesis;
import io.runnel.server.api.kinesis.Subscriptions;
import io.runnel.server.api.runnel.DescribeEndpointsAction;
import io.runnel.server.api.runnel.StartVideoAnalysisAction;
import io.runnel.server.applications.Applications;
import io.runnel.server.flink.FlinkRuntime;
import io.runnel.server.firehose.DeliveryConfiguration;
import io.runnel.server.firehose.DeliveryStreams;
import io.runnel.server.glue.GlueCatalog;
import io.runnel.server.api.QueryService;
import io.runnel.server.api.cloudwatch.CloudWatch;
import io.runnel.server.api.cloudwatch.ClientMetrics;
import io.runnel.server.api.sts.Sts;
import io.runnel.server.api.dynamodb.DynamoDb;
import io.runnel.server.dynamodb.DynamoTables;
import io.runnel.server.console.ConsoleRoutes;
import io.runnel.server.console.ConsoleSources;
import io.runnel.server.http.ApiHttpServer;
import io.runnel.server.metrics.ApplicationMonitor;
import io.runnel.server.metrics.ClientMetricsCollector;
import io.runnel.server.metrics.DeliveryMonitor;
import io.runnel.server.metrics.RunnelMetrics;
import io.runnel.server.http.ServerCertificate;
import io.runnel.server.http.SigV4Authenticator;
import io.runnel.server.s3.ObjectStore;
import io.runnel.server.s3.S3Endpoint;
import io.runnel.server.streams.RecordWriter;
import io.runnel.server.streams.ShardReader;
import io.runnel.server.streams.Streams;
import io.runnel.server.api.video.Video;
import io.runnel.server.video.FragmentStore;
import io.runnel.server.video.VideoStreams;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A running Runnel server: Kafka (embedded or not), the metadata log, an S3 endpoint (embedded or not), the
 * Flink runtime (a child process, an existing cluster, or none) and the APIs over HTTP.
 */
public final class RunnelServer implements AutoCloseable {

    /** How long the Flink runtime may take to serve at start: its JVM loads a great many classes. */
    private static final long FLINK_START_SECONDS = 180;
    /** How often fragments past their video stream's retention are looked for. */
    private static final long VIDEO_SWEEP_MS = 60_000;
    /** How often applications' jobs and delivery streams' buckets are looked at, for /metrics and the console. */
    private static final long MONITOR_MS = 5_000;

    private final Deque<AutoCloseable> parts = new ArrayDeque<>();
    private final String bootstrapServers;
    private final int port;
    private int tlsPort;
    private final ClientMetrics clientMetrics = new ClientMetrics();
    private final RunnelMetrics metrics = new RunnelMetrics();
    private ConsoleRoutes console;
    private ServerCertificate tls;
    private final URI s3;
    private final FlinkRuntime flink;
    private final Applications applications;
    private final VideoStreams videoStreams;
    /** DynamoDB tables live in a topic of their own beside the metadata topic, so lease renewals never slow stream changes. */
    public static final String DYNAMODB_TOPIC_SUFFIX = "_dynamodb";
    private final MetadataLog metadata;

    private RunnelServer(RunnelConfig config) throws Exception {
        try {
            // Every port is fixed first: the Flink runtime's configuration names them all before they serve.
            port = config.port == 0 ? freePort(config.host) : config.port;
            URI api = URI.create("http://" + config.advertisedHost() + ":" + port);
            int kafkaPort = config.kafkaPort == 0 ? freePort(config.host) : config.kafkaPort;
            bootstrapServers = config.kafka == null ? config.advertisedHost() + ":" + kafkaPort : config.kafka;

            String[] apiKey = config.firstAuthKey();
            if (config.s3Endpoint == null) {
                S3Endpoint endpoint = S3Endpoint.start(config.dataDir.resolve("s3"), config.host,
                        config.s3Port == 0 ? freePort(config.host) : config.s3Port, apiKey);
                parts.push(endpoint);
                s3 = URI.create("http://" + config.advertisedHost() + ":" + endpoint.endpoint().getPort());
            } else {
                s3 = URI.create(config.s3Endpoint);
            }
            String s3Key = config.s3Endpoint != null && config.s3AccessKey != null ? config.s3AccessKey : apiKey == null ? "runnel" : apiKey[0];
            String s3Secret = config.s3Endpoint != null && config.s3SecretKey != null ? config.s3SecretKey : apiKey == null ? "runnel" : apiKey[1];
            ObjectStore store = new ObjectStore(s3, s3Key, s3Secret, config.region);
            parts.push(store);

            Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(4));
            parts.push(() -> vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
            FlinkRuntime.Context context = new FlinkRuntime.Context(api, bootstrapServers, s3, s3Key, s3Secret, apiKey);
            if (config.flink.equals("none")) {
                flink = null;
            } else {
                RunnelConfig resolved = withFlinkPorts(config);
                flink = FlinkRuntime.start(resolved, vertx, context); // its JVM starts while Kafka does
                parts.push(flink);
            }

            if (config.kafka == null) {
                EmbeddedKafka kafka = EmbeddedKafka.start(config.dataDir, config.host, config.advertisedHost(), kafkaPort);
                parts.push(kafka);
            }
            if (flink != null) {
                parts.push(flink); // stopped again, harmlessly, but now before Kafka: its jobs write there
            }
            metadata = new MetadataLog(bootstrapServers, config.metadataTopic);
            parts.push(metadata);
            metadata.start(Duration.ofSeconds(60));
            Streams streams = new Streams(config, metadata, bootstrapServers);
            parts.push(streams);
            RecordWriter writer = new RecordWriter(bootstrapServers);
            parts.push(writer);
            writer.onPut((stream, shardId, records, bytes, failed) -> {
                if (shardId != null) {
                    metrics.put(stream, shardId, records, bytes);
                }
                if (failed > 0) {
                    metrics.failed(stream, failed);
                }
            });
            ShardReader reader = new ShardReader(bootstrapServers, 4);
            parts.push(reader);
            ShardReader subscriptionReader = new ShardReader(bootstrapServers, 4, Subscriptions.MAX_EVENT_BYTES, "runnel-subscription-reader");
            parts.push(subscriptionReader);
            if (flink != null && !flink.embedded()) {
                store.ensureBucket(FlinkRuntime.BUCKET);
            }
            applications = new Applications(metadata, flink, context, store);
            parts.push(applications);

            List<ApiService> services = new ArrayList<>(new Kinesis(config, streams, writer, reader, subscriptionReader, metadata, metrics).services());
            services.add(new Analytics(config, applications).service());
            GlueCatalog glueCatalog = new GlueCatalog(metadata);
            parts.push(glueCatalog);
            services.add(new Glue(config, glueCatalog).service());
            DeliveryStreams deliveryStreams = new DeliveryStreams(metadata, applications, streams);
            services.add(new Firehose(config, deliveryStreams,
                    new DeliveryConfiguration(config, bootstrapServers, glueCatalog), writer).service());
            services.add(DescribeEndpointsAction.service(new DescribeEndpointsAction.Endpoints(config.region, config.accountId,
                    bootstrapServers, config.metadataTopic, s3, flink == null ? null : flink.webUi(),
                    flink == null ? null : flink.sqlGateway())));
            videoStreams = new VideoStreams(metadata, streams, store, VIDEO_SWEEP_MS);
            parts.push(videoStreams);
            services.add(StartVideoAnalysisAction.service(config, videoStreams, streams, applications));
            FragmentStore fragments = new FragmentStore(videoStreams, writer, reader, metrics);
            parts.push(fragments);
            Video video = new Video(config, videoStreams, fragments, api);
            DynamoTables dynamoTables = new DynamoTables(bootstrapServers, config.metadataTopic + DYNAMODB_TOPIC_SUFFIX);
            parts.push(dynamoTables);
            dynamoTables.start(Duration.ofSeconds(60));
            services.add(new DynamoDb(config, dynamoTables).service());
            QueryService cloudWatch = CloudWatch.service(clientMetrics);
            services.add(CloudWatch.json(cloudWatch));
            SigV4Authenticator authenticator = SigV4Authenticator.of(config.auth);
            ApiHttpServer http = new ApiHttpServer(vertx, services, video.operations(), List.of(Sts.service(config), cloudWatch),
                    authenticator);
            parts.push(http);
            ApplicationMonitor applicationMonitor = new ApplicationMonitor(applications);
            DeliveryMonitor deliveryMonitor = new DeliveryMonitor(deliveryStreams, store, applicationMonitor);
            metrics.register(applicationMonitor);
            metrics.register(deliveryMonitor);
            metrics.register(new ClientMetricsCollector(clientMetrics));
            parts.push(monitor(applicationMonitor, deliveryMonitor));
            console = new ConsoleRoutes(new ConsoleSources(streams, metrics, deliveryStreams, deliveryMonitor, applications,
                    applicationMonitor, videoStreams, store, flink == null ? null : flink.webUi()),
                    authenticator.secrets(), bootstrapServers, flink);
            parts.push(console);
            console.attach(http);
            http.web(console);
            http.start(config.host, port);
            tls = config.tlsCert != null || config.tlsKey != null ? ServerCertificate.given(config.tlsCert, config.tlsKey)
                    : ServerCertificate.selfSigned(config.dataDir.resolve("tls"), config.advertisedHost());
            tlsPort = http.startTls(config.tlsPort, tls);
            if (flink != null) {
                flink.awaitReady(FLINK_START_SECONDS);
            }
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    /** Asks Flink about applications' jobs and lists delivery streams' buckets every few seconds, for /metrics and the console. */
    private static AutoCloseable monitor(ApplicationMonitor applications, DeliveryMonitor deliveries) {
        java.util.concurrent.ScheduledExecutorService scheduler =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("runnel-monitor"));
        for (Runnable refresh : List.<Runnable>of(applications::refresh, deliveries::refresh)) {
            scheduler.scheduleWithFixedDelay(() -> {
                try {
                    refresh.run();
                } catch (RuntimeException | Error e) { // an escaping throwable would end the schedule, silently
                    org.slf4j.LoggerFactory.getLogger(RunnelServer.class).error("could not see what applications or deliveries did; "
                            + "trying again in {} ms", MONITOR_MS, e);
                }
            }, 0, MONITOR_MS, TimeUnit.MILLISECONDS);
        }
        return scheduler::shutdownNow;
    }

    private static RunnelConfig withFlinkPorts(RunnelConfig config) throws IOException {
        if (config.flinkPort == 0) {
            config.flinkPort = freePort(config.host);
        }
        if (config.sqlGatewayPort == 0) {
            config.sqlGatewayPort = freePort(config.host);
        }
        return config;
    }

    static int freePort(String host) throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(host, 0));
            return s.getLocalPort();
        }
    }

    public static RunnelServer start(RunnelConfig config) throws Exception {
        return new RunnelServer(config);
    }

    public int port() {
        return port;
    }

    /** The metrics clients put through CloudWatch's PutMetricData. */
    public ClientMetrics clientMetrics() {
        return clientMetrics;
    }

    /** What this server counts, as {@code GET /metrics} shows it. */
    public RunnelMetrics metrics() {
        return metrics;
    }

    /** The console and its live view. */
    public ConsoleRoutes console() {
        return console;
    }

    /** The port of the API over HTTPS. */
    public int tlsPort() {
        return tlsPort;
    }

    public ServerCertificate tls() {
        return tls;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public URI s3Endpoint() {
        return s3;
    }

    /** The Flink runtime, or null when the server runs none. */
    public FlinkRuntime flink() {
        return flink;
    }

    public Applications applications() {
        return applications;
    }

    public VideoStreams videoStreams() {
        return videoStreams;
    }

    /** The metadata topic as this server reads it. */
    public MetadataLog metadata() {
        return metadata;
    }

    /** Stops the parts in the reverse order of their start: the API first, Kafka last. */
    @Override
    public void close() {
        while (!parts.isEmpty()) {
            try {
                parts.pop().close();
            } catch (Exception e) {
                org.slf4j.LoggerFactory.getLogger(RunnelServer.class).warn("could not stop cleanly", e);
            }
        }
    }
}
