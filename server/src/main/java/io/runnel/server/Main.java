package io.runnel.server;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** The {@code runnel} command line. */
@Command(name = "runnel", mixinStandardHelpOptions = true, subcommands = Main.Up.class,
        description = "A self-hosted Amazon Kinesis on Apache Flink and Apache Kafka.")
public final class Main {

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = "Start the Runnel server; Ctrl-C stops it.")
    static final class Up implements Callable<Integer> {

        @Option(names = "--config", description = "A properties file of settings (keys are these flags' names).")
        Path configFile;
        @Option(names = "--host", description = "Address the API listens on (default 127.0.0.1).")
        String host;
        @Option(names = "--port", description = "Port of the API (default 4567; 0 picks a free one).")
        Integer port;
        @Option(names = "--data-dir", description = "Where the embedded Kafka keeps its data (default ./var).")
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

        @Override
        public Integer call() throws Exception {
            RunnelConfig config = new RunnelConfig();
            if (configFile != null) {
                config.load(configFile);
            }
            if (host != null) config.host = host;
            if (port != null) config.port = port;
            if (dataDir != null) config.dataDir = dataDir;
            if (kafka != null) config.kafka = kafka;
            if (kafkaPort != null) config.kafkaPort = kafkaPort;
            if (region != null) config.region = region;
            if (accountId != null) config.accountId = accountId;
            if (shardLimit != null) config.shardLimit = shardLimit;
            if (auth != null) config.auth = auth;
            if (onDemandLimit != null) config.onDemandStreamLimit = onDemandLimit;
            if (createMs != null) config.set("create-stream-ms", createMs.toString());
            if (deleteMs != null) config.set("delete-stream-ms", deleteMs.toString());
            if (updateMs != null) config.set("update-stream-ms", updateMs.toString());

            RunnelServer server = RunnelServer.start(config);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stopped.countDown();
            }, "runnel-shutdown"));
            String endpoint = "http://" + config.host + ":" + server.port();
            System.out.println("Runnel is up.");
            System.out.println("  Kinesis endpoint: " + endpoint);
            System.out.println("  Kafka bootstrap:  " + server.bootstrapServers());
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
