package io.runnel.server.applications;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.runnel.core.MetadataLog;
import io.runnel.server.flink.FlinkRest.FlinkError;
import io.runnel.server.flink.FlinkRest.SavepointStatus;
import io.runnel.server.flink.FlinkRuntime;
import io.runnel.server.http.ApiException;
import io.runnel.server.s3.ObjectStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The control plane of applications. Each application is a document in the metadata topic; its status says
 * what is still to be done (STARTING: a job to start, STOPPING: a job to stop with a snapshot, ...), and a
 * control loop does it, asking Flink's REST API how each job is doing twice a second. Every change runs on
 * one control thread; waiting on Flink or S3 never happens there.
 * <p>
 * After a restart of the server (or of the embedded cluster, which takes its jobs with it), an application
 * whose job Flink no longer knows starts a new job from the newest checkpoint the old one left.
 */
public final class Applications implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Applications.class);
    static final String KIND = "application";
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final Set<String> ENDED = Set.of("FAILED", "CANCELED", "FINISHED", "SUSPENDED");
    private static final int ERROR_STRING_MAX = 512;
    /** How often the loop looks while an application is on its way somewhere (starting, stopping, ...). */
    private static final long TICK_MS = 100;
    /** How often it looks when every application is where it is going: to notice jobs that fail or vanish. */
    private static final long IDLE_TICK_MS = 500;
    private static final char[] ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final DateTimeFormatter SNAPSHOT_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);

    private final MetadataLog metadata;
    private final FlinkRuntime runtime;
    private final JobLauncher launcher;
    private final Checkpoints checkpoints;
    private final ObjectStore store;
    private final ScheduledExecutorService control;
    private final ExecutorService io;
    /** Applications with Flink or S3 work under way; touched on the control thread only. */
    private final Map<String, CompletableFuture<?>> busy = new ConcurrentHashMap<>();
    private boolean polling;
    private long lastPoll;

    /** @param runtime where jobs run, or null when the server runs none ({@code --flink none}) */
    public Applications(MetadataLog metadata, FlinkRuntime runtime, FlinkRuntime.Context context, ObjectStore store) {
        this.metadata = metadata;
        this.runtime = runtime;
        this.store = store;
        this.control = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "runnel-applications");
            t.setDaemon(true);
            return t;
        });
        this.io = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "runnel-applications-io");
            t.setDaemon(true);
            return t;
        });
        this.checkpoints = new Checkpoints(store);
        this.launcher = runtime == null ? null : new JobLauncher(runtime, context, store, io);
        if (runtime != null) {
            control.scheduleWithFixedDelay(this::reconcile, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        }
    }

    public boolean hasRuntime() {
        return runtime != null;
    }

    public FlinkRuntime runtime() {
        return runtime;
    }

    public ObjectStore store() {
        return store;
    }

    /** Threads for blocking work (S3, files) that API actions need done. */
    public ExecutorService io() {
        return io;
    }

    public Optional<Application> find(String name) {
        return metadata.document(KIND, name).map(Applications::read);
    }

    /** Every application, by name. */
    public List<Application> all() {
        return metadata.documents(KIND).values().stream().map(Applications::read).toList();
    }

    private static Application read(byte[] json) {
        try {
            return JSON.readValue(json, Application.class);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable application document", e);
        }
    }

    /** Runs a change to applications on the control thread. */
    public <T> CompletableFuture<T> change(Callable<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        control.execute(() -> {
            try {
                result.complete(work.call());
            } catch (Throwable e) {
                result.completeExceptionally(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
            }
        });
        return result;
    }

    /** Saves an application and waits until this server sees it. Control thread only. */
    public Application save(Application app) {
        try {
            await(metadata.putDocument(KIND, app.name(), JSON.writeValueAsBytes(app)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return app;
    }

    /** Forgets an application at once (one without a job) and removes its files. Control thread only. */
    public void delete(String name) {
        await(metadata.removeDocument(KIND, name));
        if (runtime != null) {
            java.nio.file.Path files = runtime.workDir().resolve("applications").resolve(name);
            io.execute(() -> {
                try (var paths = java.nio.file.Files.walk(files)) {
                    paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (java.nio.file.NoSuchFileException e) {
                    // no files yet
                } catch (IOException | RuntimeException e) {
                    LOG.warn("could not remove the files of application {} ({})", name, files, e);
                }
            });
        }
        LOG.info("deleted application {}", name);
    }

    private static void await(CompletableFuture<Void> write) {
        try {
            write.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not write to the metadata topic: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.internal("interrupted");
        }
    }

    /** A new operation id: twelve letters and digits, as Managed Flink's look. */
    public static String newOperationId() {
        char[] id = new char[12];
        for (int i = 0; i < id.length; i++) {
            id[i] = ID_CHARS[RANDOM.nextInt(ID_CHARS.length)];
        }
        return new String(id);
    }

    private static String newJobId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        StringBuilder id = new StringBuilder(32);
        for (byte b : bytes) {
            id.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return id.toString();
    }

    /** The savepoint a start from the application's run settings restores, or null for none. */
    public static String restorePoint(Application app) {
        return switch (app.run().restoreType()) {
            case "SKIP_RESTORE_FROM_SNAPSHOT" -> null;
            case "RESTORE_FROM_CUSTOM_SNAPSHOT" -> {
                Application.Snapshot s = app.snapshot(app.run().snapshotName());
                yield s == null ? null : s.location();
            }
            default -> {
                Application.Snapshot s = app.latestReadySnapshot();
                yield s == null ? null : s.location();
            }
        };
    }

    // ---------------------------------------------------------------------------------------------------------
    // The control loop

    private void reconcile() {
        long now = System.nanoTime();
        if (polling || now - lastPoll < TimeUnit.MILLISECONDS.toNanos(IDLE_TICK_MS) && all().stream().noneMatch(Applications::moving)) {
            return;
        }
        polling = true;
        lastPoll = now;
        runtime.rest().jobStates().whenCompleteAsync((states, error) -> {
            polling = false;
            if (error != null) {
                LOG.debug("Flink's REST API does not answer yet: {}", error.toString());
                return;
            }
            for (Application app : all()) {
                if (busy.containsKey(app.name())) {
                    continue;
                }
                try {
                    step(app, states);
                } catch (RuntimeException e) {
                    LOG.warn("could not advance application {}; will retry", app.name(), e);
                }
            }
        }, control);
    }

    /** Whether the application is on its way to another status, or has a snapshot under way. */
    private static boolean moving(Application app) {
        return app.status() != ApplicationStatus.READY && app.status() != ApplicationStatus.RUNNING
                || app.job() != null && (!app.job().submitted() || app.job().snapshotName() != null);
    }

    private void step(Application app, Map<String, String> states) {
        Application.Job job = app.job();
        String state = job == null ? null : states.get(job.id());
        long now = System.currentTimeMillis();
        switch (app.status()) {
            case READY -> {
                if (job != null && (state == null || ENDED.contains(state))) {
                    save(app.withJob(null));
                }
            }
            case STARTING -> starting(app, job, state);
            case RUNNING -> running(app, job, state);
            case STOPPING -> stopping(app, job, state, now);
            case FORCE_STOPPING -> {
                if (job == null || state == null || ENDED.contains(state)) {
                    save(app.withJob(null).withStatus(ApplicationStatus.READY, now).endingOperation("SUCCESSFUL", null, now));
                } else if (!state.equals("CANCELLING")) {
                    track(app, runtime.rest().cancel(job.id()));
                }
            }
            case UPDATING -> updating(app, job, state, now);
            case DELETING -> {
                if (job != null && state != null && !ENDED.contains(state)) {
                    track(app, runtime.rest().cancel(job.id()));
                } else {
                    delete(app.name());
                }
            }
        }
    }

    private void starting(Application app, Application.Job job, String state) {
        long now = System.currentTimeMillis();
        if (job == null) {
            launch(app, restorePoint(app));
        } else if (!job.submitted()) {
            if (state != null) {
                save(app.withJob(job.withSubmitted()));
            } else {
                submit(app, job);
            }
        } else if (state == null) {
            recover(app, job);
        } else if (state.equals("RUNNING")) {
            save(app.withStatus(ApplicationStatus.RUNNING, now).withFailure(null).endingOperation("SUCCESSFUL", null, now));
            LOG.info("application {} runs as Flink job {}", app.name(), job.id());
        } else if (ENDED.contains(state)) {
            jobEnded(app, job, state);
        }
    }

    private void running(Application app, Application.Job job, String state) {
        if (job == null) {
            launch(app, restorePoint(app));
        } else if (state == null) {
            recover(app, job);
        } else if (ENDED.contains(state)) {
            jobEnded(app, job, state);
        } else if (job.snapshotName() != null) {
            snapshotting(app, job);
        }
    }

    private void stopping(Application app, Application.Job job, String state, long now) {
        // A job stopped with a savepoint ends as soon as the savepoint is taken: ask for the savepoint first.
        if (job == null || job.stopRequest() == null && (state == null || ENDED.contains(state))) {
            save(app.withJob(null).withStatus(ApplicationStatus.READY, now).endingOperation("SUCCESSFUL", null, now));
        } else if (job.stopRequest() == null) {
            String directory = runtime.savepointDir() + "/" + app.name();
            track(app, runtime.rest().stopWithSavepoint(job.id(), directory), request -> change(() ->
                    find(app.name()).map(current -> save(current.withJob(current.job().withStopRequest(request)))).orElse(null)));
        } else {
            track(app, runtime.rest().savepointStatus(job.id(), job.stopRequest()), status -> change(() -> {
                Application current = find(app.name()).orElse(null);
                if (current == null || !status.done()) {
                    return null;
                }
                long at = System.currentTimeMillis();
                if (status.failure() != null && (state == null || ENDED.contains(state))) {
                    return save(current.withJob(null).withStatus(ApplicationStatus.READY, at).endingOperation("FAILED", trim(status.failure()), at));
                }
                if (status.failure() != null) {
                    LOG.warn("application {}: stopping with a snapshot failed ({}); cancelling its job", app.name(), status.failure());
                    return save(current.withStatus(ApplicationStatus.FORCE_STOPPING, at).endingOperation("FAILED", trim(status.failure()), at));
                }
                Application stopped = current.snapshotsEnabled() ? withSnapshot(current, "runnel-stop-" + current.version() + "-"
                        + SNAPSHOT_TIME.format(java.time.Instant.ofEpochMilli(at)), status.location(), at) : current;
                return save(stopped.withJob(null).withStatus(ApplicationStatus.READY, at).endingOperation("SUCCESSFUL", null, at));
            }), error -> change(() -> {
                if (state != null && !ENDED.contains(state)) {
                    return null; // the job still runs: ask again
                }
                LOG.warn("application {}: its job ended, but Flink no longer tells how its savepoint went ({}); no snapshot",
                        app.name(), error.toString());
                long at = System.currentTimeMillis();
                return find(app.name()).map(current -> save(current.withJob(null).withStatus(ApplicationStatus.READY, at)
                        .endingOperation("SUCCESSFUL", null, at))).orElse(null);
            }));
        }
    }

    /**
     * A running application updated: its job stops with a savepoint, and the new version starts from it (as
     * STARTING, which ends the update's operation).
     */
    private void updating(Application app, Application.Job job, String state, long now) {
        if (job == null || job.stopRequest() == null && (state == null || ENDED.contains(state))) {
            save(app.withJob(null).withStatus(ApplicationStatus.STARTING, now));
        } else if (job.stopRequest() == null) {
            String directory = runtime.savepointDir() + "/" + app.name();
            track(app, runtime.rest().stopWithSavepoint(job.id(), directory), request -> change(() ->
                    find(app.name()).map(current -> save(current.withJob(current.job().withStopRequest(request)))).orElse(null)));
        } else {
            track(app, runtime.rest().savepointStatus(job.id(), job.stopRequest()), status -> change(() -> {
                Application current = find(app.name()).orElse(null);
                if (current == null || !status.done()) {
                    return null;
                }
                long at = System.currentTimeMillis();
                if (status.failure() != null) {
                    return save(current.withStatus(ApplicationStatus.RUNNING, at).withJob(current.job().withStopRequest(null))
                            .endingOperation("FAILED", trim("Could not take a snapshot to update the application: " + status.failure()), at));
                }
                Application stopped = current.snapshotsEnabled() ? withSnapshot(current, "runnel-update-" + current.version() + "-"
                        + SNAPSHOT_TIME.format(java.time.Instant.ofEpochMilli(at)), status.location(), at) : current;
                Application.Job next = new Application.Job(newJobId(), status.location(), at, false, null, null, null);
                return save(stopped.withJob(next).withStatus(ApplicationStatus.STARTING, at));
            }), error -> change(() -> {
                if (state != null && !ENDED.contains(state)) {
                    return null; // the job still runs: ask again
                }
                LOG.warn("application {}: its job ended, but Flink no longer tells how its savepoint went ({}); the new "
                        + "version starts from the latest snapshot", app.name(), error.toString());
                long at = System.currentTimeMillis();
                return find(app.name()).map(current -> save(current.withJob(null).withStatus(ApplicationStatus.STARTING, at))).orElse(null);
            }));
        }
    }

    private void snapshotting(Application app, Application.Job job) {
        if (job.snapshotRequest() == null) {
            String directory = runtime.savepointDir() + "/" + app.name();
            track(app, runtime.rest().triggerSavepoint(job.id(), directory), request -> change(() ->
                    find(app.name()).map(current -> save(current.withJob(current.job().withSnapshot(job.snapshotName(), request)))).orElse(null)),
                    error -> change(() -> find(app.name()).map(current -> finishSnapshot(current, job.snapshotName(), null)).orElse(null)));
            return;
        }
        track(app, runtime.rest().savepointStatus(job.id(), job.snapshotRequest()), status -> change(() -> {
            Application current = find(app.name()).orElse(null);
            if (current == null || !status.done()) {
                return null;
            }
            if (status.failure() != null) {
                LOG.warn("application {}: snapshot {} failed: {}", app.name(), job.snapshotName(), status.failure());
            }
            return finishSnapshot(current, job.snapshotName(), status.location());
        }));
    }

    private Application finishSnapshot(Application app, String name, String location) {
        List<Application.Snapshot> snapshots = app.snapshots().stream()
                .map(s -> s.name().equals(name) ? s.withStatus(location == null ? "FAILED" : "READY", location) : s).toList();
        Application.Job job = app.job() == null ? null : app.job().withSnapshot(null, null);
        return save(app.withSnapshots(snapshots).withJob(job));
    }

    private static Application withSnapshot(Application app, String name, String location, long at) {
        List<Application.Snapshot> snapshots = new ArrayList<>(app.snapshots());
        snapshots.add(new Application.Snapshot(name, "READY", app.version(), at, location, app.runtime()));
        return app.withSnapshots(snapshots);
    }

    /** Starts a new job for the application, from the given savepoint or checkpoint (or none). */
    private void launch(Application app, String restoreFrom) {
        Application.Job job = new Application.Job(newJobId(), restoreFrom, System.currentTimeMillis(), false, null, null, null);
        submit(save(app.withJob(job)), job);
    }

    /** The application's job is gone from Flink (the cluster restarted): a new one continues from its newest checkpoint. */
    private void recover(Application app, Application.Job job) {
        track(app, CompletableFuture.supplyAsync(() -> checkpoints.latest(runtime.checkpointDir(), job.id()), io), checkpoint -> change(() -> {
            Application current = find(app.name()).orElse(null);
            if (current == null || current.job() == null || !current.job().id().equals(job.id())) {
                return null;
            }
            String from = checkpoint.orElse(job.restoreFrom());
            LOG.warn("application {}: Flink no longer knows job {}; starting a new job from {}", app.name(), job.id(),
                    from == null ? "scratch" : from);
            launch(current, from);
            return null;
        }));
    }

    private void submit(Application app, Application.Job job) {
        track(app, launcher.submit(app, job), ok -> change(() -> {
            Application current = find(app.name()).orElse(null);
            if (current != null && current.job() != null && current.job().id().equals(job.id())) {
                save(current.withJob(current.job().withSubmitted()));
            }
            return null;
        }), error -> change(() -> {
            Application current = find(app.name()).orElse(null);
            if (current == null || current.job() == null || !current.job().id().equals(job.id())) {
                return null;
            }
            if (error instanceof FlinkError flink && flink.detail().contains("DuplicateJobSubmissionException")) {
                return save(current.withJob(current.job().withSubmitted())); // an earlier attempt got through
            }
            if (!(error instanceof FlinkError) && !(error instanceof JobLauncher.ApplicationFailure)) {
                LOG.warn("application {}: could not submit its job, will try again: {}", app.name(), error.toString());
                return null; // the cluster is away (restarting, say): the next round submits again
            }
            String message = error.getMessage();
            if (error instanceof FlinkError flink) {
                LOG.warn("application {}: Flink refused its job: {}", app.name(), flink.detail());
            }
            long at = System.currentTimeMillis();
            return save(current.withJob(null).withStatus(ApplicationStatus.READY, at).withFailure(message)
                    .endingOperation("FAILED", trim(message), at));
        }));
    }

    /** The job ended on its own: finished (a bounded job), cancelled from outside, or failed for good. */
    private void jobEnded(Application app, Application.Job job, String state) {
        CompletableFuture<Optional<String>> failure = state.equals("FAILED") ? runtime.rest().latestFailure(job.id())
                : CompletableFuture.completedFuture(Optional.empty());
        track(app, failure, cause -> change(() -> {
            Application current = find(app.name()).orElse(null);
            if (current == null || current.job() == null || !current.job().id().equals(job.id())) {
                return null;
            }
            long at = System.currentTimeMillis();
            String message = cause.map(c -> "The application's Flink job failed: " + c).orElse(null);
            if (message != null) {
                LOG.warn("application {}: {}", app.name(), message);
            }
            Application ended = current.withJob(null).withStatus(ApplicationStatus.READY, at).withFailure(message);
            return save(message == null ? ended.endingOperation("SUCCESSFUL", null, at) : ended.endingOperation("FAILED", trim(message), at));
        }));
    }

    private <T> void track(Application app, CompletableFuture<T> work) {
        track(app, work, result -> CompletableFuture.completedFuture(null));
    }

    private <T> void track(Application app, CompletableFuture<T> work, Function<T, CompletableFuture<?>> then) {
        track(app, work, then, error -> {
            LOG.warn("application {}: {}", app.name(), error.toString());
            return CompletableFuture.completedFuture(null);
        });
    }

    /** Runs Flink or S3 work for an application; until it and what follows are done, the loop leaves the application be. */
    private <T> void track(Application app, CompletableFuture<T> work, Function<T, CompletableFuture<?>> then,
                           Function<Throwable, CompletableFuture<?>> otherwise) {
        CompletableFuture<Object> done = new CompletableFuture<>();
        busy.put(app.name(), done);
        work.handle((result, error) -> {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            return cause == null ? then.apply(result) : otherwise.apply(cause);
        }).thenCompose(next -> next).whenCompleteAsync((ignored, error) -> {
            busy.remove(app.name(), done);
            if (error != null) {
                LOG.warn("application {}: {}", app.name(), error.toString());
            }
            done.complete(null);
        }, control);
    }

    private static String trim(String message) {
        return message == null || message.length() <= ERROR_STRING_MAX ? message : message.substring(0, ERROR_STRING_MAX - 1) + "…";
    }

    /** Removes a snapshot's savepoint files; blocking. */
    public void deleteSavepoint(String location) {
        if (location != null) {
            checkpoints.delete(location);
        }
    }

    @Override
    public void close() {
        control.shutdown();
        io.shutdown();
        try {
            control.awaitTermination(10, TimeUnit.SECONDS);
            io.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
