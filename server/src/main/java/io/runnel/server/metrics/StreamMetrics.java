package io.runnel.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One data stream's meters, named after Kinesis's CloudWatch metrics: stream-level families carry
 * {@code stream_name}; shard-level ones (CloudWatch's enhanced shard-level metrics) are families of their own,
 * {@code kinesis_shard_...}, so that summing a stream-level family never counts a record twice.
 */
public final class StreamMetrics {

    /** A reader's position behind the newest record of a shard, as GetRecords or a subscription last told it. */
    public record Lag(String reader, String shardId, long millisBehindLatest, long toldAt) {
    }

    /** The readers that GetRecords serves share this name: a poll does not say who polls. */
    static final String GET_RECORDS = "GetRecords";
    /** A lag older than this is no longer a reader's lag: it stopped reading. */
    private static final long RECENT_MS = 60_000;

    private final MeterRegistry registry;
    private final String stream;
    private final List<Meter> meters = new ArrayList<>();
    final Counter incomingRecords;
    final Counter incomingBytes;
    private final Counter getRecordsRecords;
    private final Counter getRecordsBytes;
    private final Timer putRecordLatency;
    private final Timer putRecordsLatency;
    private final Timer getRecordsLatency;
    private final Counter putRecordsFailedRecords;
    private final Map<String, Counter[]> shardIncoming = new ConcurrentHashMap<>();
    private final Map<String, Gauge> shardIteratorAge = new ConcurrentHashMap<>();
    private final Map<String, Lag> lags = new ConcurrentHashMap<>();

    StreamMetrics(MeterRegistry registry, String stream) {
        this.registry = registry;
        this.stream = stream;
        incomingRecords = counter("kinesis.incoming.records", "IncomingRecords: records put successfully");
        incomingBytes = counter("kinesis.incoming.bytes", "IncomingBytes: bytes of record data put successfully");
        getRecordsRecords = counter("kinesis.get.records.records", "GetRecords.Records: records returned by GetRecords");
        getRecordsBytes = counter("kinesis.get.records.bytes", "GetRecords.Bytes: bytes of record data returned by GetRecords");
        putRecordsFailedRecords = counter("kinesis.put.records.failed.records", "PutRecords.FailedRecords: records a put could not store");
        // Runnel does not throttle: these stay at zero, for the dashboards and alerts written against Kinesis.
        counter("kinesis.read.provisioned.throughput.exceeded", "ReadProvisionedThroughputExceeded: reads throttled (Runnel throttles none)");
        counter("kinesis.write.provisioned.throughput.exceeded", "WriteProvisionedThroughputExceeded: puts throttled (Runnel throttles none)");
        putRecordLatency = timer("kinesis.put.record.latency", "PutRecord.Latency");
        putRecordsLatency = timer("kinesis.put.records.latency", "PutRecords.Latency");
        getRecordsLatency = timer("kinesis.get.records.latency", "GetRecords.Latency");
        meters.add(Gauge.builder("kinesis.get.records.iterator.age.milliseconds", lags, l -> iteratorAge(null))
                .description("GetRecords.IteratorAgeMilliseconds: the most any shard's last GetRecords (of the last minute) was behind")
                .tag("stream_name", stream).register(registry));
    }

    private Counter counter(String name, String description) {
        Counter c = Counter.builder(name).description(description).tag("stream_name", stream).register(registry);
        meters.add(c);
        return c;
    }

    private Timer timer(String name, String description) {
        Timer t = Timer.builder(name).description(description).tag("stream_name", stream).register(registry);
        meters.add(t);
        return t;
    }

    void put(String shardId, long records, long bytes) {
        incomingRecords.increment(records);
        incomingBytes.increment(bytes);
        Counter[] shard = shardIncoming.computeIfAbsent(shardId, id -> {
            Counter r = Counter.builder("kinesis.shard.incoming.records").description("IncomingRecords of one shard")
                    .tags("stream_name", stream, "shard_id", id).register(registry);
            Counter b = Counter.builder("kinesis.shard.incoming.bytes").description("IncomingBytes of one shard")
                    .tags("stream_name", stream, "shard_id", id).register(registry);
            synchronized (meters) {
                meters.add(r);
                meters.add(b);
            }
            return new Counter[] {r, b};
        });
        shard[0].increment(records);
        shard[1].increment(bytes);
    }

    void failed(long records) {
        putRecordsFailedRecords.increment(records);
    }

    void putLatency(boolean batch, long nanos) {
        (batch ? putRecordsLatency : putRecordLatency).record(nanos, TimeUnit.NANOSECONDS);
    }

    void read(String shardId, int records, long bytes, long millisBehindLatest, long nanos) {
        getRecordsRecords.increment(records);
        getRecordsBytes.increment(bytes);
        getRecordsLatency.record(nanos, TimeUnit.NANOSECONDS);
        lags.put(GET_RECORDS + "/" + shardId, new Lag(GET_RECORDS, shardId, millisBehindLatest, System.currentTimeMillis()));
        shardIteratorAge.computeIfAbsent(shardId, id -> {
            Gauge g = Gauge.builder("kinesis.shard.iterator.age.milliseconds", lags, l -> iteratorAge(id))
                    .description("IteratorAgeMilliseconds of one shard, as its last GetRecords (of the last minute) told it")
                    .tags("stream_name", stream, "shard_id", id).register(registry);
            synchronized (meters) {
                meters.add(g);
            }
            return g;
        });
    }

    /**
     * How far behind the newest record GetRecords was, as CloudWatch's IteratorAgeMilliseconds: the most of any shard
     * ({@code shardId} null) or of one; only reads of the last minute count, so a stream no one reads goes back to 0.
     */
    private double iteratorAge(String shardId) {
        long since = System.currentTimeMillis() - RECENT_MS;
        return lags.values().stream().filter(l -> l.reader().equals(GET_RECORDS) && l.toldAt() >= since)
                .filter(l -> shardId == null || l.shardId().equals(shardId)).mapToLong(Lag::millisBehindLatest).max().orElse(0);
    }

    void subscriptionRead(String consumer, String shardId, long millisBehindLatest) {
        lags.put(consumer + "/" + shardId, new Lag(consumer, shardId, millisBehindLatest, System.currentTimeMillis()));
    }

    /** Records put so far. */
    public long incomingRecords() {
        return (long) incomingRecords.count();
    }

    /** Bytes of record data put so far. */
    public long incomingBytes() {
        return (long) incomingBytes.count();
    }

    /** Records put so far to each shard that has had any, by shard id. */
    public Map<String, Long> incomingRecordsByShard() {
        Map<String, Long> byShard = new java.util.TreeMap<>();
        shardIncoming.forEach((id, c) -> byShard.put(id, (long) c[0].count()));
        return byShard;
    }

    /** Each reader's lag on each shard it read within {@code sinceMillis}: GetRecords (all its callers), or a consumer by name. */
    public List<Lag> lags(long sinceMillis) {
        return lags.values().stream().filter(l -> l.toldAt() >= sinceMillis)
                .sorted(java.util.Comparator.comparing(Lag::reader).thenComparing(Lag::shardId)).toList();
    }

    void remove() {
        synchronized (meters) {
            meters.forEach(registry::remove);
        }
    }
}
