package io.runnel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.bench.jobs.TickJob;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * The job runtime: how long StartApplication takes to reach RUNNING for a small jar on the embedded runtime,
 * against submitting the same jar straight to the same cluster's REST API and waiting for its job to run;
 * and the server's resident memory when idle, without the runtime and with it (and its child's).
 */
final class AppBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int ROUNDS = 5;
    /** How long a freshly started server is left alone before its memory is read. */
    private static final Duration SETTLE = Duration.ofSeconds(15);

    private AppBench() {
    }

    static void run(String[] args) throws Exception {
        Path dir = Bench.scratchDir("runnel-bench");
        System.out.println("Runnel bench: app (" + Runtime.getRuntime().availableProcessors() + " cores; Kafka, Runnel and Flink on this machine)");
        long withoutRuntime;
        try (ServerProcess server = ServerProcess.start(dir.resolve("none"), "--flink", "none")) {
            TimeUnit.MILLISECONDS.sleep(SETTLE.toMillis());
            withoutRuntime = ServerProcess.rssMiB(server.process.pid());
        }
        try (ServerProcess server = ServerProcess.start(dir.resolve("embedded"), "--flink", "embedded")) {
            TimeUnit.MILLISECONDS.sleep(SETTLE.toMillis());
            long withRuntime = ServerProcess.rssMiB(server.process.pid());
            long child = server.children().stream().mapToLong(p -> Math.max(0, ServerProcess.rssMiB(p.pid()))).sum();
            System.out.printf("idle RSS, server without the runtime (--flink none): %,d MiB%n", withoutRuntime);
            System.out.printf("idle RSS, server with the runtime:                   %,d MiB   (API server under 1 GiB: %s)%n",
                    withRuntime, withRuntime < 1024 ? "met" : "NOT met");
            System.out.printf("idle RSS, the runtime's Flink process:               %,d MiB%n", child);
            System.out.println();

            URI api = URI.create(server.endpoint);
            JsonNode endpoints = call(api, "Runnel_20261126.DescribeEndpoints", JSON.createObjectNode());
            URI flink = URI.create(endpoints.path("FlinkRestUrl").asText());
            Path jar = jar(dir.resolve("tick.jar"));
            upload(URI.create(endpoints.path("S3Endpoint").asText()), jar);
            ObjectNode create = JSON.createObjectNode().put("ApplicationName", "tick").put("RuntimeEnvironment", "FLINK-2_3")
                    .put("ServiceExecutionRole", "arn:aws:iam::000000000000:role/bench");
            ObjectNode code = create.putObject("ApplicationConfiguration").putObject("ApplicationCodeConfiguration").put("CodeContentType", "ZIPFILE");
            code.putObject("CodeContent").putObject("S3ContentLocation").put("BucketARN", "arn:aws:s3:::bench").put("FileKey", "tick.jar");
            call(api, "KinesisAnalytics_20180523.CreateApplication", create);

            double[] runnel = new double[ROUNDS];
            double[] direct = new double[ROUNDS];
            for (int round = 0; round < ROUNDS; round++) {
                runnel[round] = startApplication(api);
                direct[round] = submitDirectly(flink, jar);
                System.out.printf("  round %d: StartApplication to RUNNING %.2f s; jar upload and run to RUNNING on Flink's REST API %.2f s%n",
                        round + 1, runnel[round], direct[round]);
            }
            double r = ConnectorBench.median(runnel);
            double d = ConnectorBench.median(direct);
            System.out.println();
            System.out.printf("StartApplication to RUNNING, small jar, embedded runtime: %.2f s (median of %d; goal under 10 s: %s)%n",
                    r, ROUNDS, r < 10 ? "met" : "NOT met");
            System.out.printf("the same jar straight to Flink's REST API, same cluster:  %.2f s (median of %d)%n", d, ROUNDS);
            System.out.printf("ratio Runnel / Flink REST:                                %.2f%n", r / d);
        }
    }

    /** Starts the application and returns the seconds until DescribeApplication says RUNNING; then stops it, forcibly. */
    private static double startApplication(URI api) throws Exception {
        ObjectNode name = JSON.createObjectNode().put("ApplicationName", "tick");
        long started = System.nanoTime();
        call(api, "KinesisAnalytics_20180523.StartApplication", name.deepCopy()
                .set("RunConfiguration", JSON.createObjectNode().set("ApplicationRestoreConfiguration",
                        JSON.createObjectNode().put("ApplicationRestoreType", "SKIP_RESTORE_FROM_SNAPSHOT"))));
        awaitStatus(api, "RUNNING");
        double seconds = (System.nanoTime() - started) / 1e9;
        call(api, "KinesisAnalytics_20180523.StopApplication", name.deepCopy().put("Force", true));
        awaitStatus(api, "READY");
        return seconds;
    }

    private static void awaitStatus(URI api, String status) throws Exception {
        poll(() -> call(api, "KinesisAnalytics_20180523.DescribeApplication", JSON.createObjectNode().put("ApplicationName", "tick"))
                .path("ApplicationDetail").path("ApplicationStatus").asText(), status::equals);
    }

    /** Uploads and runs the jar through Flink's REST API and returns the seconds until its job runs; then cancels it. */
    private static double submitDirectly(URI flink, Path jar) throws Exception {
        long started = System.nanoTime();
        String boundary = "runnel-bench";
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\"tick.jar\"\r\n"
                + "Content-Type: application/x-java-archive\r\n\r\n").getBytes();
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes();
        HttpResponse<String> uploaded = HTTP.send(HttpRequest.newBuilder(flink.resolve("/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head),
                        HttpRequest.BodyPublishers.ofFile(jar), HttpRequest.BodyPublishers.ofByteArray(tail))).build(),
                HttpResponse.BodyHandlers.ofString());
        String file = JSON.readTree(uploaded.body()).path("filename").asText();
        String jarId = file.substring(file.lastIndexOf('/') + 1);
        HttpResponse<String> ran = HTTP.send(HttpRequest.newBuilder(flink.resolve("/jars/" + jarId + "/run"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        String job = JSON.readTree(ran.body()).path("jobid").asText();
        poll(() -> JSON.readTree(HTTP.send(HttpRequest.newBuilder(flink.resolve("/jobs/" + job)).build(),
                HttpResponse.BodyHandlers.ofString()).body()).path("state").asText(), "RUNNING"::equals);
        double seconds = (System.nanoTime() - started) / 1e9;
        HTTP.send(HttpRequest.newBuilder(flink.resolve("/jobs/" + job + "?mode=cancel")).method("PATCH", HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
        HTTP.send(HttpRequest.newBuilder(flink.resolve("/jars/" + jarId)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        poll(() -> JSON.readTree(HTTP.send(HttpRequest.newBuilder(flink.resolve("/jobs/" + job)).build(),
                HttpResponse.BodyHandlers.ofString()).body()).path("state").asText(), "CANCELED"::equals);
        return seconds;
    }

    private interface Look {
        String get() throws Exception;
    }

    private static void poll(Look look, Predicate<String> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!done.test(look.get())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no change within 2 minutes; last: " + look.get());
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    /** An AWS JSON call, signed (with any key) as an AWS SDK signs it: the server refuses unsigned calls, as AWS does. */
    static JsonNode call(URI api, String target, JsonNode body) throws IOException, InterruptedException {
        byte[] bytes = body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(api).POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        io.runnel.connectors.catalog.RunnelApiClient.signedPost(api, java.util.Map.of("Content-Type", "application/x-amz-json-1.1",
                "X-Amz-Target", target), bytes, "runnel", "runnel", "us-east-1", "kinesisanalytics")
                .forEach((name, values) -> values.forEach(v -> request.header(name, v)));
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(target + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private static void upload(URI s3Endpoint, Path jar) {
        try (S3Client s3 = S3Client.builder().endpointOverride(s3Endpoint).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("runnel", "runnel")))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .httpClientBuilder(ApacheHttpClient.builder()).build()) {
            s3.createBucket(b -> b.bucket("bench"));
            s3.putObject(b -> b.bucket("bench").key("tick.jar"), RequestBody.fromFile(jar));
        }
    }

    /** The job's jar as a user builds it: its class and the manifest naming it. */
    private static Path jar(Path file) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, TickJob.class.getName());
        String entry = TickJob.class.getName().replace('.', '/') + ".class";
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, manifest);
             InputStream in = TickJob.class.getClassLoader().getResourceAsStream(entry)) {
            jar.putNextEntry(new JarEntry(entry));
            in.transferTo(jar);
            jar.closeEntry();
        }
        return file;
    }
}
