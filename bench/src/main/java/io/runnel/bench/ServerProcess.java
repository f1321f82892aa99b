package io.runnel.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.nio.file.DirectoryStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** The server under test, started by {@code ./runnel up} with the JVM options that script sets. */
final class ServerProcess implements AutoCloseable {

    final Process process;
    final String endpoint;
    /** The API over HTTPS, as the server printed it. */
    final URI httpsEndpoint;
    final String bootstrapServers;
    private final AtomicLong peakRssKiB = new AtomicLong();
    private final Thread sampler;

    private ServerProcess(Process process, String endpoint, URI httpsEndpoint, String bootstrapServers) {
        this.process = process;
        this.endpoint = endpoint;
        this.httpsEndpoint = httpsEndpoint;
        this.bootstrapServers = bootstrapServers;
        this.sampler = new Thread(this::sample, "rss-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** A server without a Flink runtime, as the Data Streams and connector benchmarks want it. */
    static ServerProcess start(Path dataDir) throws Exception {
        return start(dataDir, "--flink", "none");
    }

    /** A server on free ports, with the given flags besides. */
    static ServerProcess start(Path dataDir, String... flags) throws Exception {
        int port = freePort();
        int kafkaPort = freePort();
        List<String> command = new ArrayList<>(List.of("./runnel", "up", "--port", Integer.toString(port),
                "--kafka-port", Integer.toString(kafkaPort), "--data-dir", dataDir.toString(), "--create-stream-ms", "100",
                "--s3-port", "0", "--tls-port", "0", "--flink-port", "0", "--sql-gateway-port", "0"));
        command.addAll(List.of(flags));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        CompletableFuture<String> ready = new CompletableFuture<>();
        CompletableFuture<URI> https = new CompletableFuture<>();
        Path log = dataDir.resolveSibling("server.log");
        Thread pump = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    Files.writeString(log, line + "\n", StandardCharsets.UTF_8,
                            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                    if (line.trim().startsWith("HTTPS endpoint:")) {
                        https.complete(URI.create(line.trim().split("\\s+")[2]));
                    }
                    if (line.startsWith("RUNNEL_READY ")) {
                        ready.complete(line.substring("RUNNEL_READY ".length()).trim());
                    }
                }
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
            ready.completeExceptionally(new IllegalStateException("the server exited; see " + log));
        }, "server-output");
        pump.setDaemon(true);
        pump.start();
        String endpoint = ready.get(10, TimeUnit.MINUTES);
        return new ServerProcess(p, endpoint, https.getNow(null), "127.0.0.1:" + kafkaPort); // printed before it is ready
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    /** The server's resident set size, sampled every 100 ms; the peak is what matters. */
    private void sample() {
        Path status = Path.of("/proc/" + process.pid() + "/status");
        while (process.isAlive()) {
            try {
                for (String line : Files.readAllLines(status)) {
                    if (line.startsWith("VmRSS:")) {
                        long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
                        peakRssKiB.accumulateAndGet(kib, Math::max);
                    }
                }
                Thread.sleep(100);
            } catch (IOException | InterruptedException e) {
                return;
            }
        }
    }

    /** CPU seconds the server has used so far (user and system), from /proc. */
    double cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    /** CPU seconds used so far by each group of the server's threads (numbers in thread names folded). */
    Map<String, Double> cpuSecondsByThread() {
        Map<String, Double> cpu = new TreeMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/" + process.pid() + "/task"))) {
            for (Path task : tasks) {
                try {
                    String name = Files.readString(task.resolve("comm")).trim().replaceAll("\\d+", "N");
                    String stat = Files.readString(task.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    cpu.merge(name, (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0, Double::sum);
                } catch (IOException threadEnded) {
                    // the thread ended while we looked
                }
            }
        } catch (IOException e) {
            return cpu;
        }
        return cpu;
    }

    long peakRssMiB() {
        return peakRssKiB.get() / 1024;
    }

    /** A process's resident set size now, in MiB, from /proc. */
    static long rssMiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    /** The processes the server started (its Flink runtime). */
    List<ProcessHandle> children() {
        return process.toHandle().descendants().toList();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor(60, TimeUnit.SECONDS);
    }
}
