package io.runnel.server.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.runnel.server.applications.Application;
import io.runnel.server.applications.Applications;
import io.runnel.server.flink.FlinkRest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What Flink's REST API tells of each application's job, asked every few seconds (never when scraped, so a slow
 * JobManager cannot slow {@code /metrics}): uptime, checkpoints, records into its first task and into its last.
 * Named as Managed Service for Apache Flink's CloudWatch metrics are ({@code uptime}, {@code numberOfFailedCheckpoints},
 * {@code lastCheckpointDuration}, {@code numRecordsIn}, {@code numRecordsOut}), with an {@code application} label.
 */
public final class ApplicationMonitor implements MultiCollector {

    private static final Logger LOG = LoggerFactory.getLogger(ApplicationMonitor.class);

    /**
     * A job as last seen. Records are counted where Flink's tasks count them: into the first task (the job's sources'
     * output) and into the last (what reaches its sinks).
     */
    public record JobStats(String jobId, String state, long startTime, long uptimeMs, long recordsIn, long recordsOut,
                           long completedCheckpoints, long failedCheckpoints, long lastCheckpointDurationMs,
                           long lastCheckpointAt, long seenAt) {
    }

    private final Applications applications;
    private final Map<String, JobStats> jobs = new ConcurrentHashMap<>();

    public ApplicationMonitor(Applications applications) {
        this.applications = applications;
    }

    /** The last statistics of an application's job, if it has one Flink knows. */
    public Optional<JobStats> stats(String application) {
        return Optional.ofNullable(jobs.get(application));
    }

    /** Asks Flink about every application's job; answers arrive later. Called from a scheduler, never an event loop. */
    public void refresh() {
        if (!applications.hasRuntime()) {
            return;
        }
        FlinkRest rest = applications.runtime().rest();
        List<Application> all = applications.all();
        jobs.keySet().removeIf(name -> all.stream().noneMatch(a -> a.name().equals(name)));
        for (Application app : all) {
            if (app.job() == null || !app.job().submitted()) {
                jobs.remove(app.name());
                continue;
            }
            String id = app.job().id();
            rest.get("/jobs/" + id).thenCompose(job -> rest.get("/jobs/" + id + "/checkpoints")
                    .exceptionally(e -> null)
                    .thenCompose(checkpoints -> recordsOf(rest, id, job)
                            .thenApply(records -> stats(id, job, checkpoints, records))))
                    .whenComplete((stats, error) -> {
                        if (error != null) {
                            LOG.debug("no statistics for application {} (job {}): {}", app.name(), id, error.toString());
                            jobs.remove(app.name());
                        } else {
                            jobs.put(app.name(), stats);
                        }
                    });
        }
    }

    /** Records into the first vertex and into the last, summed over their subtasks. */
    private static CompletableFuture<long[]> recordsOf(FlinkRest rest, String id, JsonNode job) {
        JsonNode vertices = job.path("vertices");
        if (!vertices.isArray() || vertices.isEmpty()) {
            return CompletableFuture.completedFuture(new long[2]);
        }
        String first = vertices.get(0).path("id").asText();
        String last = vertices.get(vertices.size() - 1).path("id").asText();
        return recordsIn(rest, id, first).thenCombine(recordsIn(rest, id, last), (in, out) -> new long[] {in, out});
    }

    private static CompletableFuture<Long> recordsIn(FlinkRest rest, String id, String vertex) {
        return rest.get("/jobs/" + id + "/vertices/" + vertex + "/subtasks/metrics?get=numRecordsIn&agg=sum")
                .thenApply(metrics -> {
                    for (JsonNode m : metrics) {
                        if (m.path("id").asText().equals("numRecordsIn")) {
                            return (long) m.path("sum").asDouble(0);
                        }
                    }
                    return 0L;
                }).exceptionally(e -> 0L);
    }

    private static JobStats stats(String id, JsonNode job, JsonNode checkpoints, long[] records) {
        // Missing parts (no checkpoint statistics, none completed yet) read as zero.
        JsonNode stats = checkpoints == null ? MissingNode.getInstance() : checkpoints;
        JsonNode latest = stats.path("latest").path("completed");
        boolean running = job.path("state").asText().equals("RUNNING");
        return new JobStats(id, job.path("state").asText(), job.path("start-time").asLong(),
                running ? Math.max(0, job.path("duration").asLong()) : 0, records[0], records[1],
                stats.path("counts").path("completed").asLong(), stats.path("counts").path("failed").asLong(),
                latest.path("end_to_end_duration").asLong(), latest.path("latest_ack_timestamp").asLong(), System.currentTimeMillis());
    }

    @Override
    public MetricSnapshots collect() {
        String app = "application";
        SortedMap<String, JobStats> rows = new TreeMap<>(jobs);
        return MetricSnapshots.of(
                Families.gauge("kinesisanalytics_uptime_milliseconds", "uptime: how long the application's job has been running",
                        app, rows, JobStats::uptimeMs),
                Families.gauge("kinesisanalytics_running", "1 while the application's Flink job is RUNNING",
                        app, rows, s -> s.state().equals("RUNNING") ? 1 : 0),
                Families.counter("kinesisanalytics_number_of_failed_checkpoints", "numberOfFailedCheckpoints",
                        app, rows, JobStats::failedCheckpoints),
                Families.counter("kinesisanalytics_number_of_completed_checkpoints", "Checkpoints completed by the application's job",
                        app, rows, JobStats::completedCheckpoints),
                Families.gauge("kinesisanalytics_last_checkpoint_duration_milliseconds", "lastCheckpointDuration",
                        app, rows, JobStats::lastCheckpointDurationMs),
                Families.counter("kinesisanalytics_num_records_in", "numRecordsIn: records into the job's first task",
                        app, rows, JobStats::recordsIn),
                Families.counter("kinesisanalytics_num_records_out", "numRecordsOut: records into the job's last task, which writes its results",
                        app, rows, JobStats::recordsOut));
    }
}
