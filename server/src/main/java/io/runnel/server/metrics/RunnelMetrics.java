package io.runnel.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.MultiCollector;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this server has counted, for {@code GET /metrics} (Prometheus text) and the console: each data stream's
 * traffic under Kinesis's CloudWatch names, video fragments, and what {@link MultiCollector}s add when scraped
 * (applications, delivery streams, the metrics clients put). Counts are this server's own, as any exporter's are.
 */
public final class RunnelMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, StreamMetrics> streams = new ConcurrentHashMap<>();
    private final Map<String, Counter[]> videoStreams = new ConcurrentHashMap<>();

    /** Adds families computed when the page is scraped. */
    public void register(MultiCollector collector) {
        registry.getPrometheusRegistry().register(collector);
    }

    /** The meters of a stream, made on first use. */
    public StreamMetrics stream(String name) {
        return streams.computeIfAbsent(name, n -> new StreamMetrics(registry, n));
    }

    /** The meters of a stream that has been put to or read from since this server started. */
    public Optional<StreamMetrics> existing(String name) {
        return Optional.ofNullable(streams.get(name));
    }

    /** Records acknowledged by Kafka, with their data's bytes, on one shard. */
    public void put(String stream, String shardId, long records, long bytes) {
        stream(stream).put(shardId, records, bytes);
    }

    /** Records of a put that could not be stored. */
    public void failed(String stream, long records) {
        stream(stream).failed(records);
    }

    /** How long a PutRecord ({@code batch} false) or PutRecords took, from its request to its answer. */
    public void putLatency(String stream, boolean batch, long nanos) {
        stream(stream).putLatency(batch, nanos);
    }

    /** A GetRecords answer. */
    public void read(String stream, String shardId, int records, long bytes, long millisBehindLatest, long nanos) {
        stream(stream).read(shardId, records, bytes, millisBehindLatest, nanos);
    }

    /** An event of a consumer's subscription (enhanced fan-out). */
    public void subscriptionRead(String stream, String consumer, String shardId, long millisBehindLatest) {
        stream(stream).subscriptionRead(consumer, shardId, millisBehindLatest);
    }

    /** A fragment of a video stream, persisted. */
    public void fragment(String videoStream, long bytes) {
        Counter[] c = videoStreams.computeIfAbsent(videoStream, n -> new Counter[] {
                Counter.builder("kinesisvideo.put.media.incoming.fragments").tag("stream_name", n)
                        .description("PutMedia.IncomingFragments: fragments persisted").register(registry),
                Counter.builder("kinesisvideo.put.media.incoming.bytes").tag("stream_name", n)
                        .description("PutMedia.IncomingBytes: bytes of fragments persisted").register(registry)});
        c[0].increment();
        c[1].increment(bytes);
    }

    /** Fragments persisted to a video stream so far. */
    public long fragments(String videoStream) {
        Counter[] c = videoStreams.get(videoStream);
        return c == null ? 0 : (long) c[0].count();
    }

    /** Forgets the meters of data streams and video streams that no longer exist, so a deleted stream leaves the page. */
    public void retain(Collection<String> dataStreams, Set<String> videoStreamNames) {
        streams.keySet().removeIf(name -> {
            if (dataStreams.contains(name)) {
                return false;
            }
            streams.get(name).remove();
            return true;
        });
        videoStreams.entrySet().removeIf(e -> {
            if (videoStreamNames.contains(e.getKey())) {
                return false;
            }
            registry.remove(e.getValue()[0]);
            registry.remove(e.getValue()[1]);
            return true;
        });
    }

    /** The whole page, in Prometheus's text format. */
    public String scrape() {
        return registry.scrape();
    }
}
