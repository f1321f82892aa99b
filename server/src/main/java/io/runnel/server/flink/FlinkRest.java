package io.runnel.server.flink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.multipart.MultipartForm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Flink cluster's REST API, the only way Runnel talks to Flink. Every call is asynchronous, on the server's
 * Vert.x: none blocks a thread.
 */
public final class FlinkRest implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_MS = TimeUnit.SECONDS.toMillis(30);
    /** Running a jar runs its main(), which may take long to build a large job. */
    private static final long RUN_TIMEOUT_MS = TimeUnit.MINUTES.toMillis(5);
    private static final Pattern PROGRAM_ERROR = Pattern.compile("ProgramInvocationException: (.+)");
    private static final Pattern CAUSE = Pattern.compile("(?m)^Caused by: (.+)$");

    private final URI base;
    private final WebClient client;

    public FlinkRest(Vertx vertx, URI base) {
        this.base = base;
        this.client = WebClient.create(vertx, new WebClientOptions().setDefaultHost(base.getHost())
                .setDefaultPort(base.getPort() < 0 ? 80 : base.getPort()).setConnectTimeout(10_000)
                .setSsl("https".equals(base.getScheme())).setKeepAlive(true));
    }

    public URI base() {
        return base;
    }

    /** An answer of Flink other than success: its HTTP status, and Flink's message in short and in full. */
    public static final class FlinkError extends RuntimeException {
        private final int status;
        private final String detail;

        FlinkError(int status, String message, String detail) {
            super(message, null, false, false);
            this.status = status;
            this.detail = detail;
        }

        public int status() {
            return status;
        }

        /** Flink's whole answer, stack traces included: for logs. */
        public String detail() {
            return detail;
        }
    }

    public CompletableFuture<JsonNode> overview() {
        return call(HttpMethod.GET, "/overview", null, TIMEOUT_MS);
    }

    /** Any GET of Flink's REST API, such as a job's details or its checkpoints' statistics. */
    public CompletableFuture<JsonNode> get(String path) {
        return call(HttpMethod.GET, path, null, TIMEOUT_MS);
    }

    /** Uploads a jar; returns the id Flink gives it. */
    public CompletableFuture<String> uploadJar(Path jar, String fileName) {
        MultipartForm form = MultipartForm.create().binaryFileUpload("jarfile", fileName, jar.toString(), "application/x-java-archive");
        return complete(client.request(HttpMethod.POST, path("/jars/upload")).timeout(TIMEOUT_MS).sendMultipartForm(form))
                .thenApply(json -> {
                    String file = json.path("filename").asText();
                    return file.substring(file.lastIndexOf('/') + 1);
                });
    }

    /** Runs an uploaded jar's main(); returns the id of the job it submitted. */
    public CompletableFuture<String> runJar(String jarId, ObjectNode request) {
        return call(HttpMethod.POST, "/jars/" + jarId + "/run", request, RUN_TIMEOUT_MS).thenApply(json -> json.path("jobid").asText());
    }

    public CompletableFuture<Void> deleteJar(String jarId) {
        return call(HttpMethod.DELETE, "/jars/" + jarId, null, TIMEOUT_MS).thenApply(json -> null);
    }

    /** The state of every job the cluster knows, by job id. */
    public CompletableFuture<Map<String, String>> jobStates() {
        return call(HttpMethod.GET, "/jobs/overview", null, TIMEOUT_MS).thenApply(json -> {
            Map<String, String> states = new LinkedHashMap<>();
            json.path("jobs").forEach(job -> states.put(job.path("jid").asText(), job.path("state").asText()));
            return states;
        });
    }

    /** The state of one job, or empty when the cluster does not know it. */
    public CompletableFuture<Optional<String>> jobState(String jobId) {
        return call(HttpMethod.GET, "/jobs/" + jobId, null, TIMEOUT_MS)
                .thenApply(json -> Optional.of(json.path("state").asText()))
                .exceptionallyCompose(error -> {
                    Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
                    return cause instanceof FlinkError flink && flink.status() == 404
                            ? CompletableFuture.completedFuture(Optional.empty()) : CompletableFuture.failedFuture(cause);
                });
    }

    /** Stops a job with a savepoint in {@code directory}; returns the id to ask for the savepoint by. */
    public CompletableFuture<String> stopWithSavepoint(String jobId, String directory) {
        ObjectNode body = JSON.createObjectNode().put("targetDirectory", directory).put("drain", false);
        return call(HttpMethod.POST, "/jobs/" + jobId + "/stop", body, TIMEOUT_MS).thenApply(json -> json.path("request-id").asText());
    }

    /** Takes a savepoint of a running job, which keeps running; returns the id to ask for the savepoint by. */
    public CompletableFuture<String> triggerSavepoint(String jobId, String directory) {
        ObjectNode body = JSON.createObjectNode().put("target-directory", directory).put("cancel-job", false);
        return call(HttpMethod.POST, "/jobs/" + jobId + "/savepoints", body, TIMEOUT_MS).thenApply(json -> json.path("request-id").asText());
    }

    /** How a savepoint asked for by {@link #stopWithSavepoint} or {@link #triggerSavepoint} is doing. */
    public record SavepointStatus(boolean done, String location, String failure) {
    }

    public CompletableFuture<SavepointStatus> savepointStatus(String jobId, String requestId) {
        return call(HttpMethod.GET, "/jobs/" + jobId + "/savepoints/" + requestId, null, TIMEOUT_MS).thenApply(json -> {
            if (!"COMPLETED".equals(json.path("status").path("id").asText())) {
                return new SavepointStatus(false, null, null);
            }
            JsonNode operation = json.path("operation");
            if (operation.hasNonNull("location")) {
                return new SavepointStatus(true, operation.get("location").asText(), null);
            }
            return new SavepointStatus(true, null, shortMessage(operation.path("failure-cause").path("stack-trace").asText("savepoint failed")));
        });
    }

    public CompletableFuture<Void> cancel(String jobId) {
        return call(HttpMethod.PATCH, "/jobs/" + jobId + "?mode=cancel", null, TIMEOUT_MS).thenApply(json -> null);
    }

    /** The newest failure in a job's exception history, in short, if it has one. */
    public CompletableFuture<Optional<String>> latestFailure(String jobId) {
        return call(HttpMethod.GET, "/jobs/" + jobId + "/exceptions?maxExceptions=1", null, TIMEOUT_MS).thenApply(json -> {
            JsonNode entries = json.path("exceptionHistory").path("entries");
            if (entries.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(failure(entries.get(0)));
        });
    }

    /**
     * What a running job's exceptions and checkpoints say of it.
     *
     * @param failure      its newest failure if no checkpoint has completed since (what keeps it from progressing)
     * @param checkpointed whether it has completed a checkpoint
     */
    public record Health(Optional<String> failure, boolean checkpointed) {
    }

    public CompletableFuture<Health> health(String jobId) {
        return call(HttpMethod.GET, "/jobs/" + jobId + "/exceptions?maxExceptions=1", null, TIMEOUT_MS).thenCompose(exceptions ->
                call(HttpMethod.GET, "/jobs/" + jobId + "/checkpoints", null, TIMEOUT_MS).thenApply(checkpoints -> {
                    JsonNode entries = exceptions.path("exceptionHistory").path("entries");
                    JsonNode completed = checkpoints.path("latest").path("completed");
                    long checkpointedAt = completed.path("latest_ack_timestamp").asLong(0);
                    boolean checkpointed = completed.isObject() && checkpointedAt > 0;
                    if (entries.isEmpty() || checkpointedAt > entries.get(0).path("timestamp").asLong(0)) {
                        return new Health(Optional.empty(), checkpointed);
                    }
                    return new Health(Optional.of(failure(entries.get(0))), checkpointed);
                }));
    }

    private CompletableFuture<JsonNode> call(HttpMethod method, String path, JsonNode body, long timeoutMs) {
        var request = client.request(method, path(path)).timeout(timeoutMs);
        if (body == null) {
            return complete(request.send());
        }
        try {
            return complete(request.putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(JSON.writeValueAsBytes(body))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String path(String path) {
        String prefix = base.getPath() == null ? "" : base.getPath().replaceAll("/+$", "");
        return prefix + path;
    }

    private static CompletableFuture<JsonNode> complete(Future<HttpResponse<Buffer>> future) {
        CompletableFuture<JsonNode> result = new CompletableFuture<>();
        future.onComplete(r -> {
            String text = r.bodyAsString() == null ? "" : r.bodyAsString();
            JsonNode json;
            try {
                json = text.isEmpty() ? JSON.createObjectNode() : JSON.readTree(text);
            } catch (IOException e) {
                result.completeExceptionally(new FlinkError(r.statusCode(), "Flink answered HTTP " + r.statusCode()
                        + " with a body that is not JSON", text));
                return;
            }
            if (r.statusCode() >= 300) {
                StringBuilder detail = new StringBuilder();
                json.path("errors").forEach(e -> detail.append(e.asText()).append('\n'));
                result.completeExceptionally(new FlinkError(r.statusCode(), shortMessage(detail.isEmpty() ? text : detail.toString()),
                        detail.toString()));
            } else {
                result.complete(json);
            }
        }, result::completeExceptionally);
        return result;
    }

    /** An entry of a job's exception history, in short. */
    private static String failure(JsonNode entry) {
        return shortMessage(entry.path("stacktrace").asText(entry.path("exceptionName").asText()));
    }

    /**
     * The line of a Flink error that says what went wrong: the program's own error when a main() failed, the
     * innermost cause otherwise.
     */
    static String shortMessage(String detail) {
        String last = null;
        Matcher cause = CAUSE.matcher(detail);
        while (cause.find()) {
            last = cause.group(1).strip();
        }
        Matcher program = PROGRAM_ERROR.matcher(detail);
        if (program.find()) {
            String message = program.group(1).strip();
            // The program's own words, and the innermost cause when it says more (say, which table exists already).
            return last == null || message.contains(last) || last.contains(message) ? message : message + " (caused by " + last + ")";
        }
        if (last != null) {
            return last;
        }
        String first = detail.strip().lines().filter(l -> !l.isBlank() && !l.equals("Internal server error.")).findFirst().orElse(detail);
        return first.strip();
    }

    @Override
    public void close() {
        client.close();
    }
}
