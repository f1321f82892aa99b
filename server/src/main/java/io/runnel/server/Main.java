package io.runnel.server;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.PropertiesDefaultProvider;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** The {@code runnel} command line. */
@Command(name = "runnel", mixinStandardHelpOptions = true, subcommands = {Main.Up.class, io.runnel.server.cli.AppCommand.class, io.runnel.server.cli.VideoCommand.class},
        description = "A self-hosted Amazon Kinesis on Apache Flink and Apache Kafka.")
public final class Main {

    public static void main(String[] args) {
        CommandLine cli;
        try {
            cli = commandLine(args);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            System.err.println("runnel: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(cli.execute(args));
    }

    /**
     * The command line, with the settings file that {@code up --config} names (if any) as the source of defaults: picocli
     * merges the two, a flag winning over the file, and converts and checks a key's value as it would the flag's.
     */
    static CommandLine commandLine(String[] args) {
        CommandLine cli = new CommandLine(new Main());
        CommandLine up = cli.getSubcommands().get("up");
        settingsFile(args).ifPresent(file -> up.setDefaultValueProvider(settings(file, up.getCommandSpec())));
        return cli;
    }

    private static Optional<Path> settingsFile(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                return Optional.of(Path.of(args[i + 1]));
            }
            if (args[i].startsWith("--config=")) {
                return Optional.of(Path.of(args[i].substring("--config=".length())));
            }
        }
        return Optional.empty();
    }

    /** The settings of a properties file, whose keys are the flags' names without their dashes; any other key is refused. */
    private static PropertiesDefaultProvider settings(Path file, CommandSpec up) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the settings file " + file + ": " + e.getMessage(), e);
        }
        Set<String> keys = new TreeSet<>();
        for (OptionSpec option : up.options()) {
            keys.add(option.longestName().substring(2));
        }
        for (String key : properties.stringPropertyNames()) {
            if (!keys.contains(key) || key.equals("config") || key.equals("help") || key.equals("version")) {
                throw new IllegalArgumentException("unknown setting '" + key + "' in " + file);
            }
            properties.setProperty(key, properties.getProperty(key).trim());
        }
        return new PropertiesDefaultProvider(properties);
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = "Start the Runnel server; Ctrl-C stops it.")
    static final class Up implements Callable<Integer> {

        @Spec
        CommandSpec spec;
        @Option(names = "--config", description = "A properties file of settings (keys are these flags' names).")
        Path configFile;
        @Option(names = "--host", description = "Address the API listens on (default 127.0.0.1).")
        String host;
        @Option(names = "--advertised-host", description = "The host name clients reach this server by, in the addresses "
                + "it hands out (default: --host, or this machine's name when --host is a wildcard).")
        String advertisedHost;
        @Option(names = "--port", description = "Port of the API (default 4567; 0 picks a free one).")
        Integer port;
        @Option(names = "--data-dir", description = "Where the embedded Kafka, the S3 endpoint and the Flink runtime keep their data (default ./var).")
        Path dataDir;
        @Option(names = "--kafka", description = "Bootstrap servers of an existing Kafka cluster instead of the embedded broker.")
        String kafka;
        @Option(names = "--kafka-port", description = "Port of the embedded broker (default 4568; 0 picks a free one).")
        Integer kafkaPort;
        @Option(names = "--region", description = "Region in ARNs (default us-east-1).")
        String region;
        @Option(names = "--account-id", description = "Account id in ARNs and messages (default 000000000000).")
        String accountId;
        @Option(names = "--shard-limit", description = "The account's open-shard limit (default 500).")
        Integer shardLimit;
        @Option(names = "--auth", description = "accessKeyId:secretAccessKey[,...]: require requests SigV4-signed by these keys.")
        String auth;
        @Option(names = "--on-demand-stream-limit", description = "The account's limit of on-demand streams (default 50).")
        Integer onDemandLimit;
        @Option(names = "--create-stream-ms", description = "Time a new stream stays CREATING (default 500).")
        Long createMs;
        @Option(names = "--delete-stream-ms", description = "Time a deleted stream stays DELETING (default 500).")
        Long deleteMs;
        @Option(names = "--update-stream-ms", description = "Time a resharded stream stays UPDATING (default 500).")
        Long updateMs;
        @Option(names = "--flink", description = "Where jobs run: embedded (default: a Flink cluster in a child process), "
                + "none, or the REST URL of an existing Flink session cluster.")
        String flink;
        @Option(names = "--flink-port", description = "Port of the embedded Flink cluster's REST API and web UI (default 8081; 0 picks a free one).")
        Integer flinkPort;
        @Option(names = "--flink-slots", description = "Task slots of the embedded Flink cluster (default 8).")
        Integer flinkSlots;
        @Option(names = "--checkpoint-dir", description = "Where jobs' checkpoints go (default: <data-dir>/flink/checkpoints, "
                + "or s3://runnel/flink/checkpoints with --flink URL).")
        String checkpointDir;
        @Option(names = "--savepoint-dir", description = "Where applications' snapshots go (default: <data-dir>/flink/savepoints, "
                + "or s3://runnel/flink/savepoints with --flink URL).")
        String savepointDir;
        @Option(names = "--sql-gateway-port", description = "Port of the SQL Gateway (default 8083; 0 picks a free one).")
        Integer sqlGatewayPort;
        @Option(names = "--sql-gateway", description = "With --flink URL: an existing SQL Gateway of that cluster, instead of one "
                + "the server starts.")
        String sqlGateway;
        @Option(names = "--s3-port", description = "Port of the embedded S3 endpoint (default 4569; 0 picks a free one).")
        Integer s3Port;
        @Option(names = "--tls-port", description = "Port of the API over HTTPS, HTTP/1.1 and HTTP/2 (default 4443; 0 picks a free one).")
        Integer tlsPort;
        @Option(names = "--tls-cert", description = "PEM certificate of the HTTPS port (default: a self-signed one made in "
                + "<data-dir>/tls/ at first start).")
        String tlsCert;
        @Option(names = "--tls-key", description = "PEM private key of --tls-cert.")
        String tlsKey;
        @Option(names = "--s3-endpoint", description = "An existing S3-compatible endpoint instead of the embedded one.")
        String s3Endpoint;
        @Option(names = "--s3-access-key", description = "The access key of --s3-endpoint.")
        String s3AccessKey;
        @Option(names = "--s3-secret-key", description = "The secret key of --s3-endpoint.")
        String s3SecretKey;
        @Option(names = "--topic-prefix", description = "Prefix of the Kafka topics that hold streams (default runnel.).")
        String topicPrefix;
        @Option(names = "--metadata-topic", description = "The Kafka topic of Runnel's metadata (default __runnel_metadata); "
                + "servers that share it share their streams.")
        String metadataTopic;
        @Option(names = "--flink-home", description = "The Flink home the embedded runtime starts from (default: deploy/standalone's, as ./runnel sets it).")
        String flinkHome;
        @Option(names = "--flink-java-opts", description = "JVM options of the embedded Flink runtime (default -Xms256m -Xmx1g and bounds on direct and metaspace memory).")
        String flinkJavaOpts;

        /** The settings of the flags given, or else of the settings file. */
        RunnelConfig config() {
            RunnelConfig config = new RunnelConfig();
            // Every other option is named after its configuration key.
            for (OptionSpec option : spec.options()) {
                if (option.usageHelp() || option.versionHelp() || option.getValue() == null
                        || option.longestName().equals("--config")) {
                    continue;
                }
                config.set(option.longestName().substring(2), option.getValue().toString());
            }
            return config;
        }

        @Override
        public Integer call() throws Exception {
            RunnelConfig config = config();
            RunnelServer server = RunnelServer.start(config);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stopped.countDown();
            }, "runnel-shutdown"));
            String endpoint = "http://" + config.advertisedHost() + ":" + server.port();
            System.out.println("Runnel is up.");
            System.out.println("  Console:          " + endpoint + "/   (metrics: " + endpoint + "/metrics, health: " + endpoint + "/health)");
            System.out.println("  Kinesis endpoint: " + endpoint);
            System.out.println("  HTTPS endpoint:   https://" + config.advertisedHost() + ":" + server.tlsPort()
                    + "   (certificate " + server.tls().certificate() + ", SHA-256 fingerprint " + server.tls().fingerprint() + ")");
            System.out.println("  Kafka bootstrap:  " + server.bootstrapServers());
            System.out.println("  S3 endpoint:      " + server.s3Endpoint());
            if (server.flink() != null) {
                System.out.println("  Flink web UI:     " + server.flink().webUi());
                System.out.println("  SQL gateway:      " + server.flink().sqlGateway() + "   (./runnel sql)");
            }
            String credentials = config.auth == null ? "AWS_ACCESS_KEY_ID=runnel AWS_SECRET_ACCESS_KEY=runnel"
                    : "AWS_ACCESS_KEY_ID=" + config.auth.split(":", 2)[0] + " AWS_SECRET_ACCESS_KEY=<its secret>";
            System.out.println("  Try: " + credentials + " aws --endpoint-url " + endpoint + " --region " + config.region
                    + " kinesis list-streams");
            System.out.println("RUNNEL_READY " + endpoint);
            System.out.flush();
            stopped.await();
            return 0;
        }
    }
}
