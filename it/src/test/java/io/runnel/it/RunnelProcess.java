package io.runnel.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** {@code ./runnel up} run as a user runs it: a separate process, found ready by what it prints. */
final class RunnelProcess implements AutoCloseable {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private final Process process;
    private final URI endpoint;
    private final URI httpsEndpoint;

    private RunnelProcess(Process process, URI endpoint, URI httpsEndpoint) {
        this.process = process;
        this.endpoint = endpoint;
        this.httpsEndpoint = httpsEndpoint;
    }

    /**
     * Starts {@code ./runnel up} with the given flags and waits until it says it is ready. Ports not given are
     * free ones, and no Flink runtime runs unless {@code --flink} says where.
     */
    static RunnelProcess up(Path log, String... flags) throws Exception {
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("runnel").toString(), "up"));
        command.addAll(List.of(flags));
        for (String port : List.of("--port", "--kafka-port", "--s3-port", "--tls-port", "--flink-port", "--sql-gateway-port")) {
            if (!command.contains(port)) {
                command.addAll(List.of(port, "0"));
            }
        }
        if (!command.contains("--flink")) {
            command.addAll(List.of("--flink", "none"));
        }
        Process p = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
        CompletableFuture<URI> ready = new CompletableFuture<>();
        CompletableFuture<URI> https = new CompletableFuture<>();
        Thread pump = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    Files.writeString(log, line + "\n", StandardCharsets.UTF_8,
                            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                    if (line.trim().startsWith("HTTPS endpoint:")) {
                        https.complete(URI.create(line.trim().split("\\s+")[2]));
                    }
                    if (line.startsWith("RUNNEL_READY ")) {
                        ready.complete(URI.create(line.substring("RUNNEL_READY ".length()).trim()));
                    }
                }
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
            ready.completeExceptionally(new IllegalStateException("runnel up ended before it was ready; see " + log));
        }, "runnel-output");
        pump.setDaemon(true);
        pump.start();
        try {
            URI endpoint = ready.get(10, TimeUnit.MINUTES);
            return new RunnelProcess(p, endpoint, https.getNow(null)); // printed before it is ready
        } catch (Exception e) {
            p.destroyForcibly();
            throw e;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    URI endpoint() {
        return endpoint;
    }

    /** The API over HTTPS, as {@code ./runnel up} printed it. */
    URI httpsEndpoint() {
        return httpsEndpoint;
    }

    /** What the server says of where the rest of Runnel is (Runnel_20261126.DescribeEndpoints). */
    JsonNode endpoints() throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/x-amz-json-1.1").header("X-Amz-Target", "Runnel_20261126.DescribeEndpoints")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("DescribeEndpoints answered " + response.statusCode() + ": " + response.body());
        }
        return new ObjectMapper().readTree(response.body());
    }

    URI s3Endpoint() throws IOException, InterruptedException {
        return URI.create(endpoints().path("S3Endpoint").asText());
    }

    /** The processes the server started (its Flink runtime), as the operating system sees them. */
    List<ProcessHandle> children() {
        return process.toHandle().descendants().toList();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** A Kinesis client of this server, as a user configures one. */
    KinesisClient client() {
        return KinesisClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("runnel", "runnel-secret")))
                .build();
    }

    /** SIGKILL: the process gets no chance to flush or close anything. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(60, TimeUnit.SECONDS);
    }

    /** SIGTERM, as Ctrl-C: the server stops cleanly. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        // Taken first: once the server is gone its runtime is no longer its descendant.
        List<ProcessHandle> runtime = children();
        if (process.isAlive()) {
            kill();
        }
        // The runtime sees its parent gone and stops; waiting for it keeps it from writing into a data dir being removed.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (ProcessHandle child : runtime) {
            try {
                child.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                child.destroyForcibly();
            }
        }
    }
}
