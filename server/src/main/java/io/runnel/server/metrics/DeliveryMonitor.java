package io.runnel.server.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.runnel.server.firehose.DeliveryConfiguration;
import io.runnel.server.firehose.DeliveryStream;
import io.runnel.server.firehose.DeliveryStreams;
import io.runnel.server.s3.ObjectStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each delivery stream has written, read from its destination bucket every few seconds: the objects delivered
 * under its prefix and those set aside as errors (under ErrorOutputPrefix, or the {@code ...-failed/} folders Firehose
 * uses by default), each named after the delivery stream. Exposed as Firehose's CloudWatch metrics with a {@code delivery_stream_name} label; the records delivered
 * come from the delivery job (its application's records out).
 */
public final class DeliveryMonitor implements MultiCollector {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryMonitor.class);
    /** Where records are set aside without an ErrorOutputPrefix: Firehose's {@code !{firehose:error-output-type}} folders. */
    private static final List<String> DEFAULT_ERROR_FOLDERS = List.of("format-conversion-failed/", "partitioning-failed/",
            "processing-failed/");
    /** The newest objects a delivery stream's page lists. */
    static final int LISTED = 50;

    /** A delivery stream's destination as last listed. */
    public record Delivered(String bucket, long objects, long bytes, long lastDeliveryAt, List<ObjectStore.StoredObject> newest,
                            long errorObjects, List<ObjectStore.StoredObject> newestErrors, long listedAt) {
    }

    private final DeliveryStreams deliveryStreams;
    private final ObjectStore store;
    private final ApplicationMonitor applications;
    private final Map<String, Delivered> delivered = new ConcurrentHashMap<>();

    public DeliveryMonitor(DeliveryStreams deliveryStreams, ObjectStore store, ApplicationMonitor applications) {
        this.deliveryStreams = deliveryStreams;
        this.store = store;
        this.applications = applications;
    }

    public Optional<Delivered> delivered(String deliveryStream) {
        return Optional.ofNullable(delivered.get(deliveryStream));
    }

    /** Lists every delivery stream's destination. Blocks on S3: runs on a scheduler's thread. */
    public void refresh() {
        List<DeliveryStream> all = deliveryStreams.all();
        delivered.keySet().removeIf(name -> all.stream().noneMatch(d -> d.name().equals(name)));
        for (DeliveryStream d : all) {
            try {
                delivered.put(d.name(), list(d));
            } catch (RuntimeException e) {
                LOG.warn("could not list what delivery stream {} delivered", d.name(), e);
            }
        }
    }

    private Delivered list(DeliveryStream d) {
        String bucket = DeliveryConfiguration.bucket(d.destination().path("BucketARN").asText());
        String prefix = fixedPart(d.destination().path("Prefix").asText(""));
        String errorPrefix = fixedPart(d.destination().path("ErrorOutputPrefix").asText(""));
        List<ObjectStore.StoredObject> errors = new ArrayList<>();
        for (String folder : errorPrefix.isEmpty() ? DEFAULT_ERROR_FOLDERS : List.of(errorPrefix)) {
            errors.addAll(ours(d, store.list(bucket, folder)));
        }
        List<ObjectStore.StoredObject> objects = new ArrayList<>(ours(d, store.list(bucket, prefix)));
        objects.removeAll(errors); // an error prefix inside the prefix
        java.util.Comparator<ObjectStore.StoredObject> newestFirst = java.util.Comparator.comparing(ObjectStore.StoredObject::modified)
                .reversed().thenComparing(ObjectStore.StoredObject::key);
        objects.sort(newestFirst);
        errors.sort(newestFirst);
        return new Delivered(bucket, objects.size(), objects.stream().mapToLong(ObjectStore.StoredObject::size).sum(),
                objects.isEmpty() ? 0 : objects.get(0).modified().toEpochMilli(), List.copyOf(objects.subList(0, Math.min(LISTED, objects.size()))),
                errors.size(), List.copyOf(errors.subList(0, Math.min(LISTED, errors.size()))), System.currentTimeMillis());
    }

    /** The objects a delivery stream wrote among those listed: its files are named after it ({@code name-version-...}). */
    private static List<ObjectStore.StoredObject> ours(DeliveryStream d, List<ObjectStore.StoredObject> listed) {
        return listed.stream().filter(o -> !o.key().endsWith("/")) // a folder, as a file system store lists it
                .filter(o -> o.key().substring(o.key().lastIndexOf('/') + 1).startsWith(d.name() + "-")).toList();
    }

    /** The part of a prefix before its first expression ({@code !{...}}). */
    static String fixedPart(String prefix) {
        int expression = prefix.indexOf("!{");
        return expression < 0 ? prefix : prefix.substring(0, expression);
    }

    @Override
    public MetricSnapshots collect() {
        String label = "delivery_stream_name";
        SortedMap<String, Delivered> now = new TreeMap<>(delivered);
        SortedMap<String, Delivered> deliveredOnce = new TreeMap<>(now);
        deliveredOnce.values().removeIf(d -> d.lastDeliveryAt() == 0);
        SortedMap<String, Long> records = new TreeMap<>();
        now.keySet().forEach(name -> records.put(name, applications.stats(DeliveryStream.applicationName(name))
                .map(ApplicationMonitor.JobStats::recordsOut).orElse(0L)));
        long at = System.currentTimeMillis();
        return MetricSnapshots.of(
                Families.gauge("firehose_delivery_to_s3_objects", "DeliveryToS3.ObjectCount: objects in the destination, as last listed",
                        label, now, Delivered::objects),
                Families.gauge("firehose_delivery_to_s3_bytes", "DeliveryToS3.Bytes: bytes of the objects in the destination, as last listed",
                        label, now, Delivered::bytes),
                Families.counter("firehose_delivery_to_s3_records", "DeliveryToS3.Records: records the delivery job took to its writer",
                        label, records, Long::doubleValue),
                Families.gauge("firehose_delivery_to_s3_error_objects",
                        "Objects of records set aside under the error output prefix, as last listed", label, now, Delivered::errorObjects),
                Families.gauge("firehose_delivery_to_s3_data_freshness_seconds",
                        "DeliveryToS3.DataFreshness: seconds since the newest delivered object was written",
                        label, deliveredOnce, d -> Math.max(0, at - d.lastDeliveryAt()) / 1000.0));
    }
}
