package io.runnel.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

/** {@code ./runnel bench <name>}: runs one benchmark and prints its figures beside a same-run baseline. */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        String name = args.length == 0 ? "" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (name) {
            case "streams" -> StreamsBench.run(rest);
            case "efo" -> FanOutBench.run(rest);
            case "clients" -> ClientLibrariesBench.run(rest);
            case "connector" -> ConnectorBench.run(rest);
            case "sql" -> SqlBench.run(rest);
            case "app" -> AppBench.run(rest);
            case "firehose" -> FirehoseBench.run(rest);
            case "video" -> VideoBench.run(rest);
            case "console" -> ConsoleBench.run(rest);
            default -> {
                System.err.println("usage: ./runnel bench streams|efo|clients|connector|sql|app|firehose|video|console");
                System.exit(2);
            }
        }
        System.exit(0);
    }

    /**
     * A directory for one run's server data and inputs. A run writes gigabytes (a broker's logs), so all of it but the
     * server's log is deleted when the run ends, however it ends; the log stays for a run that failed.
     */
    static Path scratchDir(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteAllBut(dir, dir.resolve("server.log")), "bench-cleanup"));
        return dir;
    }

    /** Deletes what it can: {@code dir} itself stays, holding {@code keep}. */
    private static void deleteAllBut(Path dir, Path keep) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(keep)).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            System.err.println("could not delete the benchmark's data under " + dir + ": " + e);
        }
    }
}
