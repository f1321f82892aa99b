package io.runnel.server.applications;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything Runnel knows about one application, as Managed Service for Apache Flink describes it, plus the
 * Flink job that runs it; the document stored under the application's name in the metadata topic.
 *
 * @param status      where the application is in its life; a transitional status (STARTING, STOPPING, ...) is
 *                    work the control loop has yet to finish
 * @param version     ApplicationVersionId: 1 at creation, one more at each update
 * @param job         the Flink job that runs (or is being started for) the application, or null
 * @param failure     why the last start or run failed, in Flink's words; null once it starts again
 * @param previous    while a running application is UPDATING: the version it updates from, to go back to if the
 *                    update cannot stop the old job with a snapshot; null otherwise
 */
public record Application(String name, String description, String runtime, String role, ApplicationStatus status,
                          long statusSince, long version, Long versionUpdatedFrom, long createdAt, long updatedAt,
                          String mode, Code code, List<PropertyGroup> propertyGroups, Checkpointing checkpointing,
                          Parallelism parallelism, Monitoring monitoring, boolean snapshotsEnabled, boolean rollbackEnabled,
                          Map<String, String> tags, RunSettings run, Job job, List<Snapshot> snapshots,
                          List<Operation> operations, String failure, Application previous) {

    /** A new application that runs one of Runnel's own jobs, such as a delivery stream's or a video analysis. */
    public static Application runnelJob(String name, String description, Code code, Checkpointing checkpointing,
                                        Parallelism parallelism, long now) {
        return new Application(name, description, "FLINK-2_3", null, ApplicationStatus.READY, now, 1, null, now, now, "STREAMING",
                code, List.of(), checkpointing, parallelism, Monitoring.DEFAULT, true, false, Map.of(), RunSettings.DEFAULT, null,
                List.of(), List.of(), null, null);
    }

    /** How many operations an application remembers, newest first. */
    static final int KEPT_OPERATIONS = 50;

    public Application {
        propertyGroups = List.copyOf(propertyGroups);
        tags = new TreeMap<>(tags);
        snapshots = List.copyOf(snapshots);
        operations = List.copyOf(operations);
    }

    /**
     * The application's code: a jar on S3 (ZIPFILE), SQL text (PLAINTEXT), or one of Runnel's own jobs (RUNNEL_JOB:
     * the entry class in runnel-jobs.jar and its arguments, a line each, in {@code text}).
     */
    public record Code(String type, String text, String bucketArn, String fileKey, String objectVersion) {
        public static final String RUNNEL_JOB = "RUNNEL_JOB";

        public static Code runnelJob(String entryClass, List<String> arguments) {
            List<String> lines = new ArrayList<>();
            lines.add(entryClass);
            lines.addAll(arguments);
            return new Code(RUNNEL_JOB, String.join("\n", lines), null, null, null);
        }

        public boolean isSql() {
            return "PLAINTEXT".equals(type);
        }

        public boolean isRunnelJob() {
            return RUNNEL_JOB.equals(type);
        }

        /** A Runnel job's entry class and then its arguments. */
        public List<String> runnelJobLines() {
            return List.of(text.split("\n"));
        }

        /** The bucket of {@link #bucketArn()} ({@code arn:aws:s3:::bucket}). */
        public String bucket() {
            return bucketArn == null ? null : bucketArn.substring(bucketArn.lastIndexOf(':') + 1);
        }
    }

    public record PropertyGroup(String id, Map<String, String> properties) {
        public PropertyGroup {
            properties = new TreeMap<>(properties);
        }
    }

    public record Checkpointing(String configurationType, boolean enabled, long intervalMs, long minPauseMs) {
        /** What Managed Flink's DEFAULT configuration means. */
        public static final Checkpointing DEFAULT = new Checkpointing("DEFAULT", true, 60_000, 5_000);
    }

    public record Parallelism(String configurationType, int parallelism, int perKpu, boolean autoScaling) {
        public static final Parallelism DEFAULT = new Parallelism("DEFAULT", 1, 1, false);
    }

    public record Monitoring(String configurationType, String metricsLevel, String logLevel) {
        public static final Monitoring DEFAULT = new Monitoring("DEFAULT", "APPLICATION", "INFO");
    }

    /** How the next (or last) start restores state: ApplicationRestoreConfiguration and FlinkRunConfiguration. */
    public record RunSettings(String restoreType, String snapshotName, boolean allowNonRestoredState) {
        public static final RunSettings DEFAULT = new RunSettings("RESTORE_FROM_LATEST_SNAPSHOT", null, false);
    }

    /**
     * The Flink job of an application.
     *
     * @param id            the job id, chosen before submission so that a job submitted just before a crash is found
     * @param submittedAt   when it was submitted, or (once {@code submitted}) when Flink accepted it
     * @param restoreFrom   the savepoint or checkpoint the job starts from, or null
     * @param submitted     whether Flink accepted the job
     * @param stopRequest   the id of the stop-with-savepoint under way, or null
     * @param snapshotName  the snapshot being taken (CreateApplicationSnapshot), or null
     * @param snapshotRequest the id of that savepoint request, or null
     */
    public record Job(String id, String restoreFrom, long submittedAt, boolean submitted, String stopRequest,
                      String snapshotName, String snapshotRequest) {
        /** The job as Flink accepted it, at {@code at}. */
        public Job withSubmitted(long at) {
            return new Job(id, restoreFrom, at, true, stopRequest, snapshotName, snapshotRequest);
        }

        public Job withStopRequest(String request) {
            return new Job(id, restoreFrom, submittedAt, submitted, request, snapshotName, snapshotRequest);
        }

        public Job withSnapshot(String name, String request) {
            return new Job(id, restoreFrom, submittedAt, submitted, stopRequest, name, request);
        }
    }

    /** SnapshotDetails: a savepoint of the application's job, at {@code location}. */
    public record Snapshot(String name, String status, long version, long createdAt, String location, String runtime) {
        public Snapshot withStatus(String newStatus, String newLocation) {
            return new Snapshot(name, newStatus, version, createdAt, newLocation, runtime);
        }
    }

    /** ApplicationOperationInfo: a start, stop, update, ... and how it went. */
    public record Operation(String id, String type, String status, long startedAt, Long endedAt, String error,
                            Long versionFrom, Long versionTo) {
        public Operation ended(String newStatus, String newError, long now) {
            return new Operation(id, type, newStatus, startedAt, now, newError, versionFrom, versionTo);
        }
    }

    public Application withStatus(ApplicationStatus newStatus, long now) {
        return new Application(name, description, runtime, role, newStatus, now, version, versionUpdatedFrom, createdAt, updatedAt,
                mode, code, propertyGroups, checkpointing, parallelism, monitoring, snapshotsEnabled, rollbackEnabled, tags,
                run, job, snapshots, operations, failure, previous);
    }

    public Application withJob(Job newJob) {
        return new Application(name, description, runtime, role, status, statusSince, version, versionUpdatedFrom, createdAt, updatedAt,
                mode, code, propertyGroups, checkpointing, parallelism, monitoring, snapshotsEnabled, rollbackEnabled, tags,
                run, newJob, snapshots, operations, failure, previous);
    }

    public Application withRun(RunSettings newRun) {
        return new Application(name, description, runtime, role, status, statusSince, version, versionUpdatedFrom, createdAt, updatedAt,
                mode, code, propertyGroups, checkpointing, parallelism, monitoring, snapshotsEnabled, rollbackEnabled, tags,
                newRun, job, snapshots, operations, failure, previous);
    }

    public Application withFailure(String newFailure) {
        return new Application(name, description, runtime, role, status, statusSince, version, versionUpdatedFrom, createdAt, updatedAt,
                mode, code, propertyGroups, checkpointing, parallelism, monitoring, snapshotsEnabled, rollbackEnabled, tags,
                run, job, snapshots, operations, newFailure, previous);
    }

    public Application withTags(Map<String, String> newTags) {
        return new Application(name, description, runtime, role, status, statusSince, version, versionUpdatedFrom, createdAt, updatedAt,
                mode, code, propertyGroups, checkpointing, parallelism, monitoring, snapshotsEnabled, rollbackEnabled, newTags,
                run, job, snapshots, operations, failure, previous);
    }

    public Application withSnapshots(List<Snapshot> newSnapshots) {
        return new Application(name, description, runtime, role, status, statusSince, version, versionUpdatedFrom, createdAt, updatedAt,
                mode, code, propertyGroups, checkpointing, parallelism, monitoring, snapshotsEnabled, rollbackEnabled, tags,
                run, job, newSnapshots, operations, failure, previous);
    }

    /** This application without the version it is updating from. */
    public Application withoutPrevious() {
        return new Application(name, description, runtime, role, status, statusSince, version, versionUpdatedFrom, createdAt, updatedAt,
                mode, code, propertyGroups, checkpointing, parallelism, monitoring, snapshotsEnabled, rollbackEnabled, tags,
                run, job, snapshots, operations, failure, null);
    }

    /**
     * The version this one updated from, as it is now (status, job, snapshots, operations are this one's): what a
     * failed update goes back to.
     */
    public Application rolledBack() {
        return new Application(name, previous.description, previous.runtime, previous.role, status, statusSince, previous.version,
                previous.versionUpdatedFrom, createdAt, previous.updatedAt, mode, previous.code, previous.propertyGroups,
                previous.checkpointing, previous.parallelism, previous.monitoring, previous.snapshotsEnabled, previous.rollbackEnabled,
                tags, run, job, snapshots, operations, failure, null);
    }

    /** A new version of the application's configuration, as UpdateApplication makes it. */
    public Application updated(String newDescription, String newRuntime, String newRole, Code newCode,
                               List<PropertyGroup> newGroups, Checkpointing newCheckpointing, Parallelism newParallelism,
                               Monitoring newMonitoring, boolean newSnapshotsEnabled, boolean newRollbackEnabled, long now) {
        return new Application(name, newDescription, newRuntime, newRole, status, statusSince, version + 1, version, createdAt, now,
                mode, newCode, newGroups, newCheckpointing, newParallelism, newMonitoring, newSnapshotsEnabled, newRollbackEnabled, tags,
                run, job, snapshots, operations, failure, withoutPrevious());
    }

    /**
     * Starts an operation, which the current transition will end; it becomes the newest remembered. An application
     * has at most one operation under way: its transition's, which {@link #endingOperation} ends.
     */
    public Application withOperation(Operation operation) {
        List<Operation> kept = new ArrayList<>();
        kept.add(operation);
        operations.stream().limit(KEPT_OPERATIONS - 1).forEach(kept::add);
        return new Application(name, description, runtime, role, status, statusSince, version, versionUpdatedFrom, createdAt, updatedAt,
                mode, code, propertyGroups, checkpointing, parallelism, monitoring, snapshotsEnabled, rollbackEnabled, tags,
                run, job, snapshots, kept, failure, previous);
    }

    /** Starts an operation of the given type (StartApplication, UpdateApplication, ...), IN_PROGRESS from {@code now}. */
    public Application withNewOperation(String type, long now, Long versionFrom, Long versionTo) {
        return withOperation(new Operation(Applications.newOperationId(), type, "IN_PROGRESS", now, null, null, versionFrom, versionTo));
    }

    /** The operation under way, or null. */
    public Operation pendingOperation() {
        return operations.stream().filter(o -> o.endedAt() == null).findFirst().orElse(null);
    }

    /** Ends the operation under way, if any, as SUCCESSFUL, FAILED (with Flink's message) or CANCELLED. */
    public Application endingOperation(String operationStatus, String error, long now) {
        if (pendingOperation() == null) {
            return this;
        }
        List<Operation> updated = operations.stream().map(o -> o.endedAt() == null ? o.ended(operationStatus, error, now) : o).toList();
        return new Application(name, description, runtime, role, status, statusSince, version, versionUpdatedFrom, createdAt, updatedAt,
                mode, code, propertyGroups, checkpointing, parallelism, monitoring, snapshotsEnabled, rollbackEnabled, tags,
                run, job, snapshots, updated, failure, previous);
    }

    public Snapshot snapshot(String snapshotName) {
        return snapshots.stream().filter(s -> s.name().equals(snapshotName)).findFirst().orElse(null);
    }

    /** The newest snapshot that can be restored, or null. */
    public Snapshot latestReadySnapshot() {
        return snapshots.stream().filter(s -> "READY".equals(s.status()))
                .max(java.util.Comparator.comparingLong(Snapshot::createdAt)).orElse(null);
    }

    public Operation operation(String id) {
        return operations.stream().filter(o -> o.id().equals(id)).findFirst().orElse(null);
    }
}
