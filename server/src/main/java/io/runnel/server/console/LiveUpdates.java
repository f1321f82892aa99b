package io.runnel.server.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.core.Shard;
import io.runnel.core.StreamMetadata;
import io.runnel.server.DaemonThreads;
import io.runnel.server.applications.Application;
import io.runnel.server.firehose.DeliveryConfiguration;
import io.runnel.server.firehose.DeliveryStream;
import io.runnel.server.metrics.ApplicationMonitor;
import io.runnel.server.metrics.DeliveryMonitor;
import io.runnel.server.metrics.StreamMetrics;
import io.runnel.server.video.VideoStream;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The console's live view, pushed as Server-Sent Events once a second: one overview of every stream, delivery
 * stream, application and camera, built once per tick from what the server already holds in memory (its meters, the
 * metadata it has read, what its monitors last saw) and written to every open console; a console watching one stream
 * also gets that stream's shards and readers. Nothing here asks Kafka, S3 or Flink.
 */
final class LiveUpdates implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LiveUpdates.class);
    static final long TICK_MS = 1000;
    /** A reader that has not read for this long is no longer shown among a stream's readers. */
    private static final long READER_SHOWN_MS = 60_000;
    /** A console that does not take its events (its buffer is full) is skipped until it does. */
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An open console; {@code allowed} says whether its session still stands. */
    private record Watcher(HttpServerResponse response, Context context, String stream, java.util.function.BooleanSupplier allowed) {
    }

    private final ConsoleSources sources;
    private final List<Watcher> watchers = new CopyOnWriteArrayList<>();
    private final RateHistory rates = new RateHistory();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("runnel-console-live"));
    private volatile String overview = "{}";

    LiveUpdates(ConsoleSources sources) {
        this.sources = sources;
        ticker.scheduleAtFixedRate(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }

    /** Starts pushing to a console: at once the last minutes' rates, then an overview every second. */
    void watch(HttpServerResponse response, Context context, String stream, java.util.function.BooleanSupplier allowed) {
        response.setChunked(true).putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache").putHeader("X-Accel-Buffering", "no");
        Watcher watcher = new Watcher(response, context, stream, allowed);
        response.closeHandler(v -> watchers.remove(watcher));
        response.exceptionHandler(e -> watchers.remove(watcher));
        ticker.execute(() -> {
            try {
                String first = history();
                context.runOnContext(v -> {
                    if (!response.closed()) {
                        response.write("event: history\ndata: " + first + "\n\n");
                        watchers.add(watcher);
                    }
                });
            } catch (RuntimeException e) {
                LOG.warn("could not start a console's live view", e);
                context.runOnContext(v -> response.end());
            }
        });
    }

    int watching() {
        return watchers.size();
    }

    private void tick() {
        try {
            long now = System.currentTimeMillis();
            ObjectNode snapshot = snapshot(now);
            overview = snapshot.toString();
            Map<String, String> details = new HashMap<>();
            for (Watcher w : watchers) {
                if (!w.allowed().getAsBoolean()) {
                    watchers.remove(w); // signed out, or its session ran out
                    w.context().runOnContext(v -> w.response().end());
                    continue;
                }
                String data = w.stream() == null ? overview
                        : details.computeIfAbsent(w.stream(), s -> withDetail(snapshot, s, now));
                byte[] event = ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
                w.context().runOnContext(v -> {
                    // A console that takes nothing (a tab asleep) is skipped, not buffered for without end.
                    if (!w.response().closed() && !w.response().writeQueueFull()) {
                        w.response().write(io.vertx.core.buffer.Buffer.buffer(event));
                    }
                });
            }
        } catch (RuntimeException | Error e) { // an escaping throwable would end the schedule, silently
            LOG.error("the console's live view could not be updated; trying again in a second", e);
        }
    }

    private ObjectNode snapshot(long now) {
        ObjectNode root = JSON.createObjectNode().put("at", now);
        ArrayNode streams = root.putArray("streams");
        Set<String> keys = new HashSet<>();
        Set<String> streamNames = new HashSet<>();
        for (StreamMetadata s : sources.streams().all()) {
            streamNames.add(s.name());
            StreamMetrics m = sources.metrics().existing(s.name()).orElse(null);
            String records = "records/" + s.name();
            String bytes = "bytes/" + s.name();
            keys.add(records);
            keys.add(bytes);
            rates.record(records, m == null ? 0 : m.incomingRecords(), now);
            rates.record(bytes, m == null ? 0 : m.incomingBytes(), now);
            streams.addObject().put("name", s.name()).put("status", s.status().name()).put("mode", s.mode().name())
                    .put("openShards", s.openShards().size()).put("shards", s.shards().size())
                    .put("retentionHours", s.retentionHours())
                    .put("incomingRecords", m == null ? 0 : m.incomingRecords()).put("incomingBytes", m == null ? 0 : m.incomingBytes())
                    .put("recordsPerSecond", rates.last(records)).put("bytesPerSecond", rates.last(bytes));
        }
        ArrayNode deliveries = root.putArray("deliveryStreams");
        for (DeliveryStream d : sources.deliveryStreams().all()) {
            ObjectNode node = deliveries.addObject().put("name", d.name()).put("type", d.type())
                    .put("bucket", DeliveryConfiguration.bucket(d.destination().path("BucketARN").asText()))
                    .put("prefix", d.destination().path("Prefix").asText(""));
            node.put("source", d.source() == null ? "DirectPut"
                    : d.source().path("KinesisStreamARN").asText(d.source().path("TopicName").asText("")));
            sources.deliveryMonitor().delivered(d.name()).ifPresent(delivered -> node.put("objects", delivered.objects())
                    .put("bytes", delivered.bytes()).put("lastDeliveryAt", delivered.lastDeliveryAt())
                    .put("errorObjects", delivered.errorObjects()));
            sources.applicationMonitor().stats(d.applicationName()).ifPresent(job -> node.put("recordsDelivered", job.recordsOut())
                    .put("jobState", job.state()));
        }
        ArrayNode applications = root.putArray("applications");
        for (Application app : sources.applications().all()) {
            ObjectNode node = applications.addObject().put("name", app.name()).put("status", app.status().name())
                    .put("runtime", app.runtime());
            if (app.failure() != null) {
                node.put("failure", app.failure());
            }
            if (app.job() != null) {
                node.put("jobId", app.job().id());
                if (sources.flinkWebUi() != null) {
                    node.put("flinkJobUrl", sources.flinkWebUi() + "/#/job/running/" + app.job().id() + "/overview");
                }
            }
            sources.applicationMonitor().stats(app.name()).ifPresent(job -> statsNode(node, job));
        }
        ArrayNode cameras = root.putArray("videoStreams");
        Set<String> videoNames = new HashSet<>();
        for (VideoStream v : sources.videoStreams().all()) {
            videoNames.add(v.name());
            String key = "fragments/" + v.name();
            keys.add(key);
            long fragments = sources.metrics().fragments(v.name());
            rates.record(key, fragments, now);
            cameras.addObject().put("name", v.name()).put("status", v.status()).put("mediaType", v.mediaType())
                    .put("retentionHours", v.dataRetentionInHours())
                    .put("fragments", fragments)
                    .put("fragmentsPerMinute", Math.round(rates.sum(key, 60)));
        }
        rates.retain(keys);
        sources.metrics().retain(streamNames, videoNames);
        return root;
    }

    private static void statsNode(ObjectNode node, ApplicationMonitor.JobStats job) {
        node.put("jobState", job.state()).put("uptimeMs", job.uptimeMs()).put("recordsIn", job.recordsIn())
                .put("recordsOut", job.recordsOut()).put("completedCheckpoints", job.completedCheckpoints())
                .put("failedCheckpoints", job.failedCheckpoints()).put("lastCheckpointAt", job.lastCheckpointAt())
                .put("lastCheckpointDurationMs", job.lastCheckpointDurationMs());
    }

    /** The overview plus one stream's shards (with their lineage) and the readers that read it lately. */
    private String withDetail(ObjectNode snapshot, String name, long now) {
        ObjectNode root = snapshot.deepCopy();
        StreamMetadata stream = sources.streams().find(name).orElse(null);
        if (stream == null) {
            return root.toString();
        }
        ObjectNode detail = root.putObject("stream").put("name", name);
        StreamMetrics m = sources.metrics().existing(name).orElse(null);
        Map<String, Long> byShard = m == null ? Map.of() : m.incomingRecordsByShard();
        ArrayNode shards = detail.putArray("shards");
        for (Shard s : stream.shards()) {
            ObjectNode node = shards.addObject().put("shardId", s.shardId()).put("open", s.open())
                    .put("createdAt", s.createdAt()).put("incomingRecords", byShard.getOrDefault(s.shardId(), 0L))
                    .put("startingHashKey", s.hashKeyRange().start().toString())
                    .put("endingHashKey", s.hashKeyRange().end().toString());
            if (s.parentShardId() != null) {
                node.put("parentShardId", s.parentShardId());
            }
            if (s.adjacentParentShardId() != null) {
                node.put("adjacentParentShardId", s.adjacentParentShardId());
            }
            if (s.closedAt() != null) {
                node.put("closedAt", s.closedAt());
            }
        }
        ArrayNode readers = detail.putArray("readers");
        if (m != null) {
            for (StreamMetrics.Lag lag : m.lags(now - READER_SHOWN_MS)) {
                readers.addObject().put("reader", lag.reader()).put("shardId", lag.shardId())
                        .put("millisBehindLatest", lag.millisBehindLatest()).put("at", lag.toldAt());
            }
        }
        return root.toString();
    }

    /** Every series' last minutes, for a console that just opened. */
    private String history() {
        ObjectNode root = JSON.createObjectNode().put("at", System.currentTimeMillis()).put("tickMs", TICK_MS);
        ObjectNode series = root.putObject("series");
        for (StreamMetadata s : sources.streams().all()) {
            for (String kind : List.of("records/", "bytes/")) {
                ArrayNode values = series.putArray(kind + s.name());
                for (double v : rates.history(kind + s.name())) {
                    values.add(v);
                }
            }
        }
        return root.toString();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        for (Watcher w : watchers) {
            w.context().runOnContext(v -> w.response().end());
        }
    }
}
