package io.runnel.bench;

import java.util.Arrays;

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
}
