package io.runnel.server.flink;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The runtime's child process: deploy/standalone's {@code flink-local.sh}, a Flink session cluster (and SQL
 * Gateway) in one JVM that ends when this server's process ends, even by SIGKILL. When it dies while the
 * server runs, it is started again, with a growing pause; jobs are the applications' business to restore.
 */
final class FlinkProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FlinkProcess.class);
    private static final Duration MAX_RESTART_PAUSE = Duration.ofSeconds(30);

    private final List<String> command;
    private final Map<String, String> environment;
    private final Path output;
    private final boolean expectCluster;
    private final boolean expectGateway;
    private volatile Process process;
    private volatile boolean closing;
    private volatile CompletableFuture<Void> ready = new CompletableFuture<>();
    private int restarts;
    private long startedAt;

    FlinkProcess(Path flinkHome, List<String> args, Map<String, String> environment, Path output,
                 boolean expectCluster, boolean expectGateway) {
        this.command = new ArrayList<>(List.of("bash", flinkHome.resolve("bin/flink-local.sh").toString()));
        this.command.addAll(args);
        this.command.addAll(List.of("--parent-pid", Long.toString(ProcessHandle.current().pid())));
        this.environment = Map.copyOf(environment);
        this.output = output;
        this.expectCluster = expectCluster;
        this.expectGateway = expectGateway;
    }

    /** Starts the process; the future completes once it serves, or fails if it ends before. */
    synchronized CompletableFuture<Void> start() throws IOException {
        if (closing) {
            return CompletableFuture.failedFuture(new IllegalStateException("the Flink runtime is stopping"));
        }
        startedAt = System.nanoTime();
        CompletableFuture<Void> serving = new CompletableFuture<>();
        ready = serving;
        Files.createDirectories(output.getParent());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process started = builder.start();
        process = started;
        LOG.info("started the Flink runtime (pid {}): {}", started.pid(), String.join(" ", command));
        Thread pump = new Thread(() -> pump(started, serving), "runnel-flink-output");
        pump.setDaemon(true);
        pump.start();
        started.onExit().thenAccept(this::exited);
        return serving;
    }

    /** Copies the child's output to its log file, and notes the lines that say it serves. */
    private void pump(Process child, CompletableFuture<Void> serving) {
        boolean cluster = !expectCluster;
        boolean gateway = !expectGateway;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
             PrintStream log = new PrintStream(Files.newOutputStream(output, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
                     true, StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null; ) {
                log.println(line);
                cluster |= line.startsWith("RUNNEL_FLINK_READY ");
                gateway |= line.startsWith("RUNNEL_SQL_GATEWAY_READY ");
                if (cluster && gateway) {
                    serving.complete(null);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("stopped reading the Flink runtime's output", e);
        }
    }

    private void exited(Process child) {
        if (child != process) {
            return;
        }
        ready.completeExceptionally(new IllegalStateException("the Flink runtime ended (exit status " + child.exitValue()
                + ") before it served; see " + output + " and the logs beside it"));
        if (closing) {
            return;
        }
        // A process that served a good while before it died starts again at once; one that keeps dying, ever later.
        if (System.nanoTime() - startedAt > TimeUnit.MINUTES.toNanos(5)) {
            restarts = 0;
        }
        long pauseMs = Math.min(MAX_RESTART_PAUSE.toMillis(), 1000L << Math.min(restarts, 5));
        restarts++;
        LOG.error("the Flink runtime (pid {}) ended with status {}; starting it again in {} ms (see {})",
                child.pid(), child.exitValue(), pauseMs, output);
        CompletableFuture.delayedExecutor(pauseMs, TimeUnit.MILLISECONDS).execute(() -> {
            try {
                if (!closing) {
                    start();
                }
            } catch (IOException | RuntimeException e) {
                LOG.error("could not start the Flink runtime again", e);
            }
        });
    }

    /** Completes once the current process serves. */
    CompletableFuture<Void> ready() {
        return ready;
    }

    @Override
    public void close() {
        Process p;
        synchronized (this) {
            closing = true;
            p = process;
        }
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                LOG.warn("the Flink runtime did not stop within 30 s; killing it");
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }
}
