package io.runnel.server.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.runnel.server.api.cloudwatch.ClientMetrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The metrics clients put through CloudWatch's PutMetricData, under their own namespace: the KPL's
 * {@code UserRecordsPut} in namespace {@code KinesisProducerLibrary} is {@code kinesis_producer_library_user_records_put},
 * a summary (sample count and sum) labelled with its dimensions. A family's series share the union of their
 * dimensions' names; a series without one of them has it empty, which Prometheus reads as absent. A name that
 * would fall among the server's own families ({@code kinesis_incoming_...}, {@code firehose_...}) is left out.
 */
public final class ClientMetricsCollector implements MultiCollector {

    /** Where the server's own families' names begin. */
    private static final java.util.regex.Pattern SERVER_FAMILIES = java.util.regex.Pattern.compile(
            "kinesis_(incoming|get_records|put_record|read_provisioned|write_provisioned|shard)|firehose_|kinesisanalytics_|kinesisvideo_");

    private final ClientMetrics metrics;

    public ClientMetricsCollector(ClientMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public MetricSnapshots collect() {
        Map<String, List<Map.Entry<ClientMetrics.Series, ClientMetrics.Summary>>> families = new LinkedHashMap<>();
        metrics.all().entrySet().stream()
                .sorted(Map.Entry.comparingByKey(java.util.Comparator.comparing(ClientMetrics.Series::namespace)
                        .thenComparing(ClientMetrics.Series::name)))
                .forEach(e -> families.computeIfAbsent(PrometheusNames.family(e.getKey().namespace(), e.getKey().name()),
                        f -> new ArrayList<>()).add(e));
        List<MetricSnapshot> snapshots = new ArrayList<>();
        families.forEach((name, series) -> {
            if (SERVER_FAMILIES.matcher(name).lookingAt()) {
                return; // a client cannot take a name the server's own families use: the page would have it twice
            }
            TreeSet<String> labelNames = new TreeSet<>();
            series.forEach(s -> s.getKey().dimensions().forEach(d -> labelNames.add(label(d.getKey()))));
            SummarySnapshot.Builder family = SummarySnapshot.builder().name(name)
                    .help("PutMetricData " + series.get(0).getKey().namespace() + " " + series.get(0).getKey().name());
            java.util.Set<Labels> seen = new java.util.HashSet<>();
            for (Map.Entry<ClientMetrics.Series, ClientMetrics.Summary> s : series) {
                Map<String, String> values = new java.util.TreeMap<>();
                labelNames.forEach(l -> values.put(l, ""));
                s.getKey().dimensions().forEach(d -> values.put(label(d.getKey()), d.getValue()));
                Labels labels = Labels.of(new ArrayList<>(values.keySet()), new ArrayList<>(values.values()));
                if (!seen.add(labels)) {
                    continue; // two dimension names that differ only in what snake case drops: the first is kept
                }
                family.dataPoint(SummarySnapshot.SummaryDataPointSnapshot.builder()
                        .count(Math.round(s.getValue().sampleCount())).sum(s.getValue().sum()).labels(labels).build());
            }
            snapshots.add(family.build());
        });
        return new MetricSnapshots(snapshots);
    }

    private static String label(String dimension) {
        String name = PrometheusNames.snake(dimension);
        return name.equals("quantile") || name.startsWith("__") ? name + "_dimension" : name;
    }
}
