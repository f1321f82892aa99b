package io.runnel.it;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The command-line tools a user runs beside the server: Debian's AWS CLI and {@code ./runnel}. */
final class Commands {

    /** Debian's awscli package; a Python shim earlier on PATH may hide it, so it is named in full. */
    static final Path AWS = Path.of("/usr/bin/aws");
    /** The keys every test signs with; servers started with --auth accept this one. */
    static final String KEY = "runnel";
    static final String SECRET = "runnel-secret";

    private Commands() {
    }

    record Result(int exit, String output) {
    }

    /** Runs {@code aws --endpoint-url endpoint args...}, signed with {@link #KEY} and {@code secret}. */
    static Result aws(URI endpoint, String secret, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(AWS.toString(), "--endpoint-url", endpoint.toString(),
                "--region", "us-east-1", "--output", "json", "--no-cli-pager"));
        command.addAll(List.of(args));
        return run(command, Map.of("AWS_ACCESS_KEY_ID", KEY, "AWS_SECRET_ACCESS_KEY", secret,
                "AWS_CONFIG_FILE", "/dev/null", "AWS_SHARED_CREDENTIALS_FILE", "/dev/null"), Duration.ofMinutes(1));
    }

    /** Runs {@code ./runnel args...} as a user does, with the test keys in the environment. */
    static Result runnel(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(RunnelProcess.ROOT.resolve("runnel").toString()));
        command.addAll(List.of(args));
        return run(command, Map.of("AWS_ACCESS_KEY_ID", KEY, "AWS_SECRET_ACCESS_KEY", SECRET), Duration.ofMinutes(6));
    }

    /** Runs {@code ./runnel args...}, which must succeed, and returns what it printed. */
    static String runnelOk(String... args) throws IOException, InterruptedException {
        Result r = runnel(args);
        if (r.exit() != 0) {
            throw new AssertionError("./runnel " + String.join(" ", args) + " exited with " + r.exit() + ": " + r.output());
        }
        return r.output();
    }

    static Result run(List<String> command, Map<String, String> environment, Duration timeout) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(RunnelProcess.ROOT.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process p = builder.start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(output unreadable: " + e + ")";
            }
        });
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout);
        }
        return new Result(p.exitValue(), output.join());
    }
}
