package io.runnel.server.applications;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.runnel.core.MetadataLog;
import io.runnel.server.ControlThread;
import io.runnel.server.flink.FlinkRest.FlinkError;
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
import java.util.HashMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
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
    /** How many times a submission that failed for want of the cluster or S3 is tried before the start fails. */
    private static final int SUBMIT_ATTEMPTS = 8;
    /** How long a Runnel job that failed for good waits before it starts again. */
    private static final long RELAUNCH_PAUSE_MS = 5_000;
    private static final long MAX_RELAUNCH_PAUSE_MS = 60_000;
    private static final long HEALTH_CHECK_MS = 2_000;
    private static final String RESTARTED_AFTER = "The application's Flink job restarted after: ";
    private static final char[] ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final DateTimeFormatter SNAPSHOT_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);

    private final MetadataLog metadata;
    private final FlinkRuntime runtime;
    private final JobLauncher launcher;
    private final Checkpoints checkpoints;
    private final ObjectStore store;
    private final ControlThread control = new ControlThread("runnel-applications");
    private final ExecutorService io;
    /** Applications with Flink or S3 work under way; touched on the control thread only. */
    private final Map<String, CompletableFuture<?>> busy = new ConcurrentHashMap<>();
    /** Applications whose submission failed for a reason that may pass: when to try again. Control thread only. */
    private final Map<String, Retry> retries = new HashMap<>();
    private final Set<String> unreadable = ConcurrentHashMap.newKeySet();
    private volatile Parsed parsed = new Parsed(-1, Map.of());
    private boolean polling;
    private long lastPoll;

    private record Retry(int attempts, long notBefore) {
    }

    /** When each running application's health was last looked at (System.nanoTime). Control thread only. */
    private final Map<String, Long> healthChecked = new HashMap<>();
    /** How many times in a row each Runnel job was started again without checkpointing. Control thread only. */
    private final Map<String, Integer> relaunches = new HashMap<>();

    /** @param runtime where jobs run, or null when the server runs none ({@code --flink none}) */
    public Applications(MetadataLog metadata, FlinkRuntime runtime, FlinkRuntime.Context context, ObjectStore store) {
        this.metadata = metadata;
        this.runtime = runtime;
        this.store = store;
        this.io = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "runnel-applications-io");
            t.setDaemon(true);
            return t;
        });
        this.checkpoints = new Checkpoints(store);
        this.launcher = runtime == null ? null : new JobLauncher(runtime, context, store, io);
        if (runtime != null) {
            control.every(TICK_MS, this::reconcile);
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
        return Optional.ofNullable(parsed().get(name));
    }

    /** Every application that can be read, by name. */
    public List<Application> all() {
        return List.copyOf(parsed().values());
    }

    /** The applications as read for one state of the metadata log, which {@link MetadataLog#changeCount()} tells apart. */
    private record Parsed(long changes, Map<String, Application> byName) {
    }

    /**
     * The applications, read again only when the metadata log has changed since: the control loop looks at all of
     * them ten times a second. One that cannot be read is logged (once) and left out.
     */
    private Map<String, Application> parsed() {
        Parsed last = parsed;
        // Read before the documents: a change applied in between only makes the next call read them again.
        long changes = metadata.changeCount();
        if (last.changes() == changes) {
            return last.byName();
        }
        Map<String, Application> byName = new java.util.TreeMap<>();
        metadata.documents(KIND).forEach((name, json) -> {
            try {
                byName.put(name, read(json));
                unreadable.remove(name);
            } catch (UncheckedIOException e) {
                if (unreadable.add(name)) {
                    LOG.error("application {} cannot be read from the metadata topic; it is left alone", name, e);
                }
            }
        });
        parsed = new Parsed(changes, java.util.Collections.unmodifiableMap(byName));
        return parsed.byName();
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
        return control.change(work);
    }

    /** Saves an application and waits until this server sees it. Control thread only. */
    public Application save(Application app) {
        try {
            ControlThread.await(metadata.putDocument(KIND, app.name(), JSON.writeValueAsBytes(app)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return app;
    }

    /** Saves a new application and starts it: how Runnel runs a job of its own, such as a delivery stream's. Control thread only. */
    public Application launch(Application app) {
        long now = System.currentTimeMillis();
        return save(app.withStatus(ApplicationStatus.STARTING, now).withNewOperation("StartApplication", now, null, null));
    }

    /**
     * Gives an application new code and checkpointing, as a new version: a running one is stopped with a snapshot
     * and started again from it. Control thread only.
     */
    public Application reconfigure(Application app, Application.Code code, Application.Checkpointing checkpointing) {
        long now = System.currentTimeMillis();
        Application updated = app.updated(app.description(), app.runtime(), app.role(), code, app.propertyGroups(), checkpointing,
                app.parallelism(), app.monitoring(), app.snapshotsEnabled(), app.rollbackEnabled(), now);
        return switch (app.status()) {
            case RUNNING -> save(updated.withStatus(ApplicationStatus.UPDATING, now)
                    .withNewOperation("UpdateApplication", now, app.version(), updated.version()));
            case READY -> save(updated.withoutPrevious().withNewOperation("UpdateApplication", now, app.version(), updated.version())
                    .endingOperation("SUCCESSFUL", null, now));
            default -> throw ApiException.resourceInUse("Application " + app.name() + " is in " + app.status()
                    + " status; it can be updated only when it is READY or RUNNING.");
        };
    }

    /** Deletes an application: at once without a job (or a runtime to stop it), else once its job is stopped. Control thread only. */
    public void remove(Application app) {
        if (app.job() == null || runtime == null) {
            delete(app.name());
        } else {
            long now = System.currentTimeMillis();
            save(app.endingOperation("CANCELLED", null, now).withStatus(ApplicationStatus.DELETING, now));
        }
    }

    /** Forgets an application at once (one without a job) and removes its files. Control thread only. */
    public void delete(String name) {
        ControlThread.await(metadata.removeDocument(KIND, name));
        healthChecked.remove(name);
        relaunches.remove(name);
        retries.remove(name);
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
        // A job that Flink accepted after this moment may be missing from the answer without being gone.
        long asked = System.currentTimeMillis();
        CompletableFuture<Map<String, String>> states;
        try {
            states = runtime.rest().jobStates();
        } catch (RuntimeException e) {
            polling = false;
            throw e;
        }
        states.whenCompleteAsync((jobs, error) -> {
            try {
                if (error != null) {
                    LOG.debug("Flink's REST API does not answer yet: {}", error.toString());
                    return;
                }
                for (Application app : all()) {
                    if (busy.containsKey(app.name())) {
                        continue;
                    }
                    try {
                        step(app, new Seen(jobs, asked));
                    } catch (RuntimeException e) {
                        LOG.warn("could not advance application {}; will retry", app.name(), e);
                    }
                }
            } catch (Throwable e) {
                LOG.error("the applications' control loop failed this round; it goes on", e);
            } finally {
                polling = false;
            }
        }, control);
    }

    /** Flink's job states as one answer gave them, and when the question was asked. */
    private record Seen(Map<String, String> states, long asked) {
        String state(Application.Job job) {
            return job == null ? null : states.get(job.id());
        }

        /** Whether Flink no longer knows a job it had accepted before the question. */
        boolean gone(Application.Job job) {
            return job != null && job.submitted() && job.submittedAt() < asked && !states.containsKey(job.id());
        }

        /** Whether the job has ended, or is gone. */
        boolean over(Application.Job job) {
            String state = state(job);
            return gone(job) || state != null && ENDED.contains(state);
        }
    }

    /** Whether the application is on its way to another status, or has a snapshot under way. */
    private static boolean moving(Application app) {
        return app.status() != ApplicationStatus.READY && app.status() != ApplicationStatus.RUNNING
                || app.job() != null && (!app.job().submitted() || app.job().snapshotName() != null);
    }

    private void step(Application app, Seen seen) {
        Application.Job job = app.job();
        String state = seen.state(job);
        long now = System.currentTimeMillis();
        switch (app.status()) {
            case READY -> {
                if (job != null && seen.over(job)) {
                    save(withoutJob(app, now));
                }
            }
            case STARTING -> starting(app, job, seen);
            case RUNNING -> running(app, job, seen);
            case STOPPING -> stopping(app, job, seen);
            case FORCE_STOPPING -> {
                if (job == null || seen.over(job)) {
                    save(withoutJob(app, now).withStatus(ApplicationStatus.READY, now).endingOperation("SUCCESSFUL", null, now));
                } else if (state != null && !state.equals("CANCELLING")) {
                    track(app, runtime.rest().cancel(job.id()));
                }
            }
            case UPDATING -> updating(app, job, seen);
            case DELETING -> {
                if (job == null || seen.over(job) || !job.submitted() && state == null) {
                    delete(app.name());
                } else if (state != null && !state.equals("CANCELLING")) {
                    track(app, runtime.rest().cancel(job.id()));
                }
            }
        }
    }

    private void starting(Application app, Application.Job job, Seen seen) {
        long now = System.currentTimeMillis();
        String state = seen.state(job);
        if (job == null) {
            launch(app, restorePoint(app));
        } else if (!job.submitted()) {
            if (state != null) {
                save(app.withJob(job.withSubmitted(now)));
            } else {
                submit(app, job);
            }
        } else if (seen.gone(job)) {
            recover(app, job);
        } else if ("RUNNING".equals(state)) {
            // Runnel's own jobs keep showing why they were started again until they checkpoint (see checkHealth).
            save(app.withoutPrevious().withStatus(ApplicationStatus.RUNNING, now)
                    .withFailure(app.code().isRunnelJob() ? app.failure() : null).endingOperation("SUCCESSFUL", null, now));
            LOG.info("application {} runs as Flink job {}", app.name(), job.id());
        } else if (state != null && ENDED.contains(state)) {
            jobEnded(app, job, state);
        } else if ("RESTARTING".equals(state) || "FAILING".equals(state)) {
            showRestartCause(app, job);
        }
    }

    private void running(Application app, Application.Job job, Seen seen) {
        String state = seen.state(job);
        if (job == null) {
            launch(app, restorePoint(app));
        } else if (seen.gone(job)) {
            recover(app, job);
        } else if (state != null && ENDED.contains(state)) {
            jobEnded(app, job, state);
        } else if ("RESTARTING".equals(state) || "FAILING".equals(state)) {
            showRestartCause(app, job);
        } else if (job.snapshotName() != null && state != null) {
            snapshotting(app, job);
        } else if ("RUNNING".equals(state) && app.checkpointing().enabled()) {
            checkHealth(app, job);
        }
    }

    /**
     * Shows a failure the running job restarted after until a checkpoint completes after it: a job that restarts
     * again and again goes on showing why, one that recovered (or a new job that checkpointed) stops showing it.
     * Looked at every few seconds.
     */
    private void checkHealth(Application app, Application.Job job) {
        long now = System.nanoTime();
        Long last = healthChecked.get(app.name());
        if (last != null && now - last < TimeUnit.MILLISECONDS.toNanos(HEALTH_CHECK_MS)) {
            return;
        }
        healthChecked.put(app.name(), now);
        track(app, runtime.rest().health(job.id()), health -> change(() -> current(app, job).map(current -> {
            String shown;
            if (health.failure().isPresent()) {
                shown = trim(RESTARTED_AFTER + health.failure().get());
            } else if (health.checkpointed()) {
                shown = null;
                relaunches.remove(app.name());
            } else {
                shown = current.failure(); // not shown to work yet: what was said stands
            }
            return Objects.equals(shown, current.failure()) ? null : save(current.withFailure(shown));
        }).orElse(null)));
    }

    /** A job that restarts again and again stays RUNNING, as on Managed Flink; what makes it restart is shown meanwhile. */
    private void showRestartCause(Application app, Application.Job job) {
        if (app.failure() != null) {
            return;
        }
        track(app, runtime.rest().latestFailure(job.id()), cause -> change(() -> current(app, job)
                .map(current -> save(current.withFailure(cause.map(c -> trim(RESTARTED_AFTER + c))
                        .orElse(null)))).orElse(null)));
    }

    /**
     * A stop with a snapshot: the job stops with a savepoint, kept as a snapshot when snapshots are enabled. A job
     * stopped with a savepoint ends as soon as the savepoint is taken, so the savepoint is asked for first; a job
     * that ended otherwise (or whose stop's answer was lost) is looked for in the savepoints and checkpoints it left.
     */
    private void stopping(Application app, Application.Job job, Seen seen) {
        long now = System.currentTimeMillis();
        if (job == null) {
            save(app.withStatus(ApplicationStatus.READY, now).endingOperation("SUCCESSFUL", null, now));
        } else if (job.stopRequest() != null) {
            track(app, runtime.rest().savepointStatus(job.id(), job.stopRequest()), status -> change(() -> {
                Application current = current(app, job).orElse(null);
                if (current == null || !status.done()) {
                    return null;
                }
                long at = System.currentTimeMillis();
                if (status.failure() == null) {
                    return save(stopped(current, status.location(), "runnel-stop-", at).endingOperation("SUCCESSFUL", null, at));
                }
                if (seen.over(job)) {
                    afterTheFact(current, job);
                    return null;
                }
                LOG.warn("application {}: stopping with a snapshot failed ({}); it keeps running", app.name(), status.failure());
                return save(current.withJob(job.withStopRequest(null)).withStatus(ApplicationStatus.RUNNING, at)
                        .endingOperation("FAILED", trim("Could not take a snapshot to stop the application: " + status.failure()), at));
            }), ifOver(app, job, seen, this::afterTheFact));
        } else if (seen.over(job)) {
            afterTheFact(app, job);
        } else if (job.submitted()) {
            requestStop(app, job);
        }
    }

    /**
     * When Flink cannot tell how a savepoint went: if the job is over, {@code then} looks for what it left;
     * while it runs, the next round asks again.
     */
    private Function<Throwable, CompletableFuture<?>> ifOver(Application app, Application.Job job, Seen seen,
                                                             BiConsumer<Application, Application.Job> then) {
        return error -> change(() -> {
            if (seen.over(job)) {
                current(app, job).ifPresent(current -> then.accept(current, job));
            }
            return null;
        });
    }

    /** The application with its job's savepoint as its newest snapshot (when snapshots are enabled), READY and jobless. */
    private Application stopped(Application app, String location, String snapshotPrefix, long at) {
        Application withSnapshot = app.snapshotsEnabled() && location != null ? withSnapshot(app, snapshotPrefix + app.version() + "-"
                + SNAPSHOT_TIME.format(java.time.Instant.ofEpochMilli(at)), location, at) : app;
        return withoutJob(withSnapshot, at).withStatus(ApplicationStatus.READY, at);
    }

    /**
     * The job of a stopping application ended before its savepoint could be had: the newest savepoint or retained
     * checkpoint it left stands for the snapshot, so that the next start loses nothing.
     */
    private void afterTheFact(Application app, Application.Job job) {
        track(app, CompletableFuture.supplyAsync(() -> lastState(app, job), io), location -> change(() -> {
            Application current = current(app, job).orElse(null);
            if (current == null) {
                return null;
            }
            long at = System.currentTimeMillis();
            if (location.isEmpty()) {
                return save(stopped(current, null, "", at).endingOperation("FAILED", "The application's job ended before a snapshot "
                        + "could be taken, and left no checkpoint; the next start restores the snapshot before.", at));
            }
            LOG.warn("application {}: its job {} ended before its snapshot was confirmed; {} stands for it", app.name(), job.id(),
                    location.get());
            return save(stopped(current, location.get(), "runnel-stop-", at).endingOperation("SUCCESSFUL", null, at));
        }));
    }

    /** Where a job that is over left its state: its newest savepoint in the application's folder, else its newest checkpoint. Blocking. */
    private Optional<String> lastState(Application app, Application.Job job) {
        Optional<String> savepoint = checkpoints.latestSavepoint(savepointDirectory(app), job.id());
        return savepoint.isPresent() ? savepoint : checkpoints.latest(runtime.checkpointDir(), job.id());
    }

    /**
     * A running application updated: its job stops with a savepoint, and the new version starts from it (as
     * STARTING, which ends the update's operation). If the savepoint fails while the job runs on, the update is
     * undone: the application runs its previous version, and the operation fails.
     */
    private void updating(Application app, Application.Job job, Seen seen) {
        long now = System.currentTimeMillis();
        if (job == null) {
            save(app.withStatus(ApplicationStatus.STARTING, now));
        } else if (job.stopRequest() != null) {
            track(app, runtime.rest().savepointStatus(job.id(), job.stopRequest()), status -> change(() -> {
                Application current = current(app, job).orElse(null);
                if (current == null || !status.done()) {
                    return null;
                }
                long at = System.currentTimeMillis();
                if (status.failure() == null) {
                    return save(restartedFrom(current, job, status.location(), at));
                }
                if (seen.over(job)) {
                    updateAfterTheFact(current, job);
                    return null;
                }
                Application back = current.previous() == null ? current : current.rolledBack();
                return save(back.withJob(job.withStopRequest(null)).withStatus(ApplicationStatus.RUNNING, at)
                        .endingOperation("FAILED", trim("Could not take a snapshot to update the application: " + status.failure()), at));
            }), ifOver(app, job, seen, this::updateAfterTheFact));
        } else if (seen.over(job)) {
            updateAfterTheFact(app, job);
        } else if (job.submitted()) {
            requestStop(app, job);
        }
    }

    /** The new version, to start from the old job's savepoint, which is kept as a snapshot when snapshots are enabled. */
    private Application restartedFrom(Application app, Application.Job old, String location, long at) {
        Application withSnapshot = app.snapshotsEnabled() && location != null ? withSnapshot(app, "runnel-update-" + app.version() + "-"
                + SNAPSHOT_TIME.format(java.time.Instant.ofEpochMilli(at)), location, at) : app;
        Application.Job next = new Application.Job(newJobId(), location, at, false, null, null, null);
        return withoutJob(withSnapshot, at).withJob(next).withStatus(ApplicationStatus.STARTING, at);
    }

    private void updateAfterTheFact(Application app, Application.Job job) {
        track(app, CompletableFuture.supplyAsync(() -> lastState(app, job), io), location -> change(() ->
                current(app, job).map(current -> save(restartedFrom(current, job,
                        location.orElse(restorePoint(current)), System.currentTimeMillis()))).orElse(null)));
    }

    /** Asks Flink to stop the job with a savepoint in the application's folder, and notes the request to ask after. */
    private void requestStop(Application app, Application.Job job) {
        track(app, runtime.rest().stopWithSavepoint(job.id(), savepointDirectory(app)), request -> change(() ->
                current(app, job).map(current -> save(current.withJob(job.withStopRequest(request)))).orElse(null)));
    }

    private String savepointDirectory(Application app) {
        return runtime.savepointDir() + "/" + app.name();
    }

    private void snapshotting(Application app, Application.Job job) {
        if (job.snapshotRequest() == null) {
            track(app, runtime.rest().triggerSavepoint(job.id(), savepointDirectory(app)), request -> change(() ->
                    current(app, job).map(current -> save(current.withJob(job.withSnapshot(job.snapshotName(), request)))).orElse(null)),
                    error -> change(() -> current(app, job).map(current -> save(finishSnapshot(current, null))).orElse(null)));
            return;
        }
        track(app, runtime.rest().savepointStatus(job.id(), job.snapshotRequest()), status -> change(() -> {
            Application current = current(app, job).orElse(null);
            if (current == null || !status.done()) {
                return null;
            }
            if (status.failure() != null) {
                LOG.warn("application {}: snapshot {} failed: {}", app.name(), job.snapshotName(), status.failure());
            }
            return save(finishSnapshot(current, status.location()));
        }));
    }

    /** Ends the snapshot the job was taking: READY at {@code location}, or FAILED without one. */
    private static Application finishSnapshot(Application app, String location) {
        Application.Job job = app.job();
        if (job == null || job.snapshotName() == null) {
            return app;
        }
        List<Application.Snapshot> snapshots = app.snapshots().stream()
                .map(s -> s.name().equals(job.snapshotName()) ? s.withStatus(location == null ? "FAILED" : "READY", location) : s).toList();
        return app.withSnapshots(snapshots).withJob(job.withSnapshot(null, null));
    }

    /** The application without its job; a snapshot the job was taking has failed. */
    private static Application withoutJob(Application app, long now) {
        return finishSnapshot(app, null).withJob(null);
    }

    private static Application withSnapshot(Application app, String name, String location, long at) {
        List<Application.Snapshot> snapshots = new ArrayList<>(app.snapshots());
        snapshots.add(new Application.Snapshot(name, "READY", app.version(), at, location, app.runtime()));
        return app.withSnapshots(snapshots);
    }

    /**
     * The application as it is now, if it is still where the step that started some work saw it: the same status
     * and the same job. A change made meanwhile (a stop, a delete) wins over what the work found.
     */
    private Optional<Application> current(Application seen, Application.Job job) {
        return find(seen.name()).filter(current -> current.status() == seen.status()
                && Objects.equals(current.job() == null ? null : current.job().id(), job == null ? null : job.id()));
    }

    /** Starts a new job for the application, from the given savepoint or checkpoint (or none). */
    private void launch(Application app, String restoreFrom) {
        long now = System.currentTimeMillis();
        Application.Job job = new Application.Job(newJobId(), restoreFrom, now, false, null, null, null);
        submit(save(withoutJob(app, now).withJob(job)), job);
    }

    /**
     * The application's job is gone from Flink (the cluster restarted): once Flink confirms it does not know it,
     * a new job continues from its newest checkpoint.
     */
    private void recover(Application app, Application.Job job) {
        track(app, runtime.rest().jobState(job.id()).thenCompose(state -> state.isPresent()
                        ? CompletableFuture.completedFuture(Optional.<Optional<String>>empty())
                        : CompletableFuture.supplyAsync(() -> Optional.of(checkpoints.latest(runtime.checkpointDir(), job.id())), io)),
                checkpoint -> change(() -> {
                    if (checkpoint.isEmpty()) {
                        return null; // Flink knows the job after all: the list it gave was older than the job
                    }
                    Application current = current(app, job).orElse(null);
                    if (current == null) {
                        return null;
                    }
                    String from = checkpoint.get().orElse(job.restoreFrom());
                    LOG.warn("application {}: Flink no longer knows job {}; starting a new job from {}", app.name(), job.id(),
                            from == null ? "scratch" : from);
                    launch(current, from);
                    return null;
                }));
    }

    private void submit(Application app, Application.Job job) {
        Retry retry = retries.get(app.name());
        if (retry != null && System.nanoTime() < retry.notBefore()) {
            return;
        }
        track(app, launcher.submit(app, job), ok -> change(() -> {
            retries.remove(app.name());
            current(app, job).ifPresent(current -> save(current.withJob(job.withSubmitted(System.currentTimeMillis()))));
            return null;
        }), error -> change(() -> {
            Application current = current(app, job).orElse(null);
            if (current == null) {
                retries.remove(app.name());
                return null;
            }
            if (error instanceof FlinkError flink && flink.detail().contains("DuplicateJobSubmissionException")) {
                retries.remove(app.name());
                return save(current.withJob(job.withSubmitted(System.currentTimeMillis()))); // an earlier attempt got through
            }
            String message = error.getMessage();
            int attempts = retry == null ? 1 : retry.attempts() + 1;
            boolean mayPass = !(error instanceof FlinkError) && !(error instanceof JobLauncher.ApplicationFailure);
            // Runnel's own jobs are tried until they run: their service has no one to start them again.
            if (mayPass && attempts < SUBMIT_ATTEMPTS || current.code().isRunnelJob()) {
                long pauseMs = Math.min(30_000, 500L << Math.min(attempts, 6));
                retries.put(app.name(), new Retry(attempts, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pauseMs)));
                String detail = error instanceof FlinkError flink ? flink.detail() : error.toString();
                LOG.warn("application {}: could not submit its job ({}); trying again in {} ms", app.name(), detail, pauseMs);
                String shown = trim("Could not submit the application's job: " + detail);
                return current.code().isRunnelJob() && !shown.equals(current.failure()) ? save(current.withFailure(shown)) : null;
            }
            if (mayPass) {
                message = "Could not submit the application's job after " + attempts + " attempts: " + error;
            }
            retries.remove(app.name());
            if (error instanceof FlinkError flink) {
                LOG.warn("application {}: Flink refused its job: {}", app.name(), flink.detail());
            } else {
                LOG.warn("application {}: {}", app.name(), message);
            }
            long at = System.currentTimeMillis();
            Application failed = current.previous() == null ? current : current.rolledBack();
            return save(withoutJob(failed, at).withStatus(ApplicationStatus.READY, at).withFailure(message)
                    .endingOperation("FAILED", trim(message), at));
        }));
    }

    /** The job ended on its own: finished (a bounded job), cancelled from outside, or failed for good. */
    private void jobEnded(Application app, Application.Job job, String state) {
        if (!state.equals("FINISHED") && app.code().isRunnelJob()) {
            relaunch(app, job, state);
            return;
        }
        CompletableFuture<Optional<String>> failure = state.equals("FAILED") ? runtime.rest().latestFailure(job.id())
                : CompletableFuture.completedFuture(Optional.empty());
        track(app, failure, cause -> change(() -> {
            Application current = current(app, job).orElse(null);
            if (current == null) {
                return null;
            }
            long at = System.currentTimeMillis();
            String message = cause.map(c -> "The application's Flink job failed: " + c).orElse(null);
            if (message != null) {
                LOG.warn("application {}: {}", app.name(), message);
            }
            Application ended = withoutJob(current.withoutPrevious(), at).withStatus(ApplicationStatus.READY, at).withFailure(message);
            return save(message == null ? ended.endingOperation("SUCCESSFUL", null, at) : ended.endingOperation("FAILED", trim(message), at));
        }));
    }

    /**
     * Runnel's own jobs (a delivery stream's) run until their service deletes them: one that failed for good or was
     * cancelled from outside starts again, after a pause, from its newest checkpoint, so that what it had committed
     * is neither lost nor repeated.
     */
    private void relaunch(Application app, Application.Job job, String state) {
        CompletableFuture<String> cause = state.equals("FAILED") ? runtime.rest().latestFailure(job.id())
                .thenApply(c -> "The application's Flink job failed: " + c.orElse("Flink gave no cause"))
                : CompletableFuture.completedFuture("The application's Flink job ended (" + state + ") without Runnel asking it to");
        CompletableFuture<Optional<String>> checkpoint = CompletableFuture.supplyAsync(
                () -> checkpoints.latest(runtime.checkpointDir(), job.id()), io);
        track(app, cause.thenCombine(checkpoint, Map::entry), found -> change(() -> {
            Application current = current(app, job).orElse(null);
            if (current == null) {
                return null;
            }
            String message = trim(found.getKey());
            String from = found.getValue().orElse(job.restoreFrom());
            // Each relaunch in a row waits twice as long, up to a minute, until a job of it checkpoints.
            int times = relaunches.merge(app.name(), 1, Integer::sum);
            long pauseMs = Math.min(MAX_RELAUNCH_PAUSE_MS, RELAUNCH_PAUSE_MS << Math.min(times - 1, 4));
            LOG.warn("application {}: {}; it starts again in {} ms from {}", app.name(), message, pauseMs,
                    from == null ? "scratch" : from);
            retries.put(app.name(), new Retry(0, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pauseMs)));
            launch(current.withStatus(ApplicationStatus.STARTING, System.currentTimeMillis()).withFailure(message), from);
            return null;
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
        control.close();
        io.shutdown();
        try {
            io.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
