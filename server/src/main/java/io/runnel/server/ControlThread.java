package io.runnel.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The one thread of a control plane: its changes run there one at a time, so no two act on the same old view,
 * and so does its periodic work. A periodic task that throws is logged and runs again at its next period.
 */
public final class ControlThread implements AutoCloseable, Executor {

    private static final Logger LOG = LoggerFactory.getLogger(ControlThread.class);

    private final ScheduledExecutorService executor;

    public ControlThread(String name) {
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs a change on the thread; the future has its result or what it threw. */
    public <T> CompletableFuture<T> change(Callable<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        executor.execute(() -> {
            try {
                result.complete(work.call());
            } catch (Throwable e) {
                result.completeExceptionally(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
            }
        });
        return result;
    }

    /** Runs {@code work} every {@code periodMs}, after the previous run ended. */
    public void every(long periodMs, Runnable work) {
        executor.scheduleWithFixedDelay(() -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                LOG.warn("periodic work failed; it runs again in {} ms", periodMs, e);
            }
        }, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    /**
     * Waits (on the control thread) for a write to the metadata topic, so that a change is seen by this server
     * before the next one runs.
     */
    public static <T> T await(CompletableFuture<T> write) {
        try {
            return write.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("could not write to the metadata topic: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing to the metadata topic", e);
        }
    }

    @Override
    public void execute(Runnable command) {
        executor.execute(command);
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
