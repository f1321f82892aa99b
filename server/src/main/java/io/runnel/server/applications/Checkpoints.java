package io.runnel.server.applications;

import io.runnel.server.s3.ObjectStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Jobs' checkpoints and savepoints where Flink writes them: a local folder ({@code file:}) or the S3 endpoint
 * ({@code s3:}, {@code s3a:}). Calls block; the control loop runs them on its I/O threads.
 */
final class Checkpoints {

    private static final Pattern CHECKPOINT = Pattern.compile("chk-(\\d+)");

    private final ObjectStore store;

    Checkpoints(ObjectStore store) {
        this.store = store;
    }

    /**
     * The newest completed checkpoint a job left in {@code checkpointDir} (Flink writes {@code <dir>/<job id>/chk-N/},
     * and its {@code _metadata} last), as a path a new job can start from.
     */
    Optional<String> latest(String checkpointDir, String jobId) {
        URI dir = URI.create(checkpointDir.endsWith("/") ? checkpointDir : checkpointDir + "/");
        if (isS3(dir)) {
            String prefix = key(dir) + jobId + "/";
            return store.keys(dir.getHost(), prefix).stream()
                    .filter(k -> k.endsWith("/_metadata"))
                    .map(k -> k.substring(prefix.length(), k.length() - "/_metadata".length()))
                    .filter(n -> CHECKPOINT.matcher(n).matches())
                    .max(Comparator.comparingLong(Checkpoints::number))
                    .map(n -> dir.getScheme() + "://" + dir.getHost() + "/" + prefix + n);
        }
        Path jobDir = Path.of(dir).resolve(jobId);
        if (!Files.isDirectory(jobDir)) {
            return Optional.empty();
        }
        try (Stream<Path> children = Files.list(jobDir)) {
            return children.filter(p -> CHECKPOINT.matcher(p.getFileName().toString()).matches())
                    .filter(p -> Files.exists(p.resolve("_metadata")))
                    .max(Comparator.comparingLong(p -> number(p.getFileName().toString())))
                    .map(p -> p.toUri().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The newest savepoint a job left in {@code directory}: Flink names them {@code savepoint-<the job id's first
     * six characters>-<random>}. A stop whose answer was lost finds its savepoint here.
     */
    Optional<String> latestSavepoint(String directory, String jobId) {
        URI dir = URI.create(directory.endsWith("/") ? directory : directory + "/");
        String name = "savepoint-" + jobId.substring(0, 6) + "-";
        if (isS3(dir)) {
            String prefix = key(dir) + name;
            return store.modified(dir.getHost(), prefix).entrySet().stream()
                    .filter(e -> e.getKey().endsWith("/_metadata"))
                    .max(java.util.Map.Entry.comparingByValue())
                    .map(e -> dir.getScheme() + "://" + dir.getHost() + "/" + e.getKey().substring(0, e.getKey().length() - "/_metadata".length()));
        }
        Path local = Path.of(dir);
        if (!Files.isDirectory(local)) {
            return Optional.empty();
        }
        try (Stream<Path> children = Files.list(local)) {
            return children.filter(p -> p.getFileName().toString().startsWith(name) && Files.exists(p.resolve("_metadata")))
                    .max(Comparator.comparingLong(p -> p.resolve("_metadata").toFile().lastModified()))
                    .map(p -> p.toUri().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes a savepoint (a snapshot's files), or the checkpoints of a job that is gone. */
    void delete(String location) {
        URI uri = URI.create(location.endsWith("/") ? location : location + "/");
        if (isS3(uri)) {
            store.keys(uri.getHost(), key(uri)).forEach(k -> store.delete(uri.getHost(), k));
            return;
        }
        Path dir = Path.of(uri);
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isS3(URI uri) {
        return "s3".equals(uri.getScheme()) || "s3a".equals(uri.getScheme());
    }

    private static String key(URI uri) {
        String path = uri.getPath();
        return path.startsWith("/") ? path.substring(1) : path;
    }

    private static long number(String name) {
        Matcher m = CHECKPOINT.matcher(name);
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }
}
