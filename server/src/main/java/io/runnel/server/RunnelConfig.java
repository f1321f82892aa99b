package io.runnel.server;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

/**
 * How a Runnel server runs. Every setting has a command-line flag of the same name and may also be given in
 * a properties file ({@code --config runnel.properties}); a flag wins over the file.
 */
public final class RunnelConfig {

    public String host = "127.0.0.1";
    public int port = 4567;
    public Path dataDir = Path.of("var");
    /** Bootstrap servers of an existing Kafka cluster; null starts the embedded broker. */
    public String kafka;
    /** Port of the embedded broker's client listener; 0 picks a free one. */
    public int kafkaPort = 4568;
    public String region = "us-east-1";
    public String accountId = "000000000000";
    public int shardLimit = 500;
    public int onDemandStreamLimit = 50;
    public Duration createStreamDelay = Duration.ofMillis(500);
    public Duration deleteStreamDelay = Duration.ofMillis(500);
    public Duration updateStreamDelay = Duration.ofMillis(500);
    /**
     * {@code accessKeyId:secretAccessKey} pairs, comma-separated. When set, every request must carry a valid
     * SigV4 signature by one of them; when not, requests are accepted signed or not.
     */
    public String auth;
    public String topicPrefix = "runnel.";
    public String metadataTopic = "__runnel_metadata";

    /** Applies the settings a properties file gives; keys are the flag names without dashes. */
    public void load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        for (String key : p.stringPropertyNames()) {
            set(key, p.getProperty(key).trim());
        }
    }

    public void set(String key, String value) {
        switch (key) {
            case "host" -> host = value;
            case "port" -> port = Integer.parseInt(value);
            case "data-dir" -> dataDir = Path.of(value);
            case "kafka" -> kafka = value.isEmpty() ? null : value;
            case "kafka-port" -> kafkaPort = Integer.parseInt(value);
            case "region" -> region = value;
            case "account-id" -> accountId = value;
            case "shard-limit" -> shardLimit = Integer.parseInt(value);
            case "on-demand-stream-limit" -> onDemandStreamLimit = Integer.parseInt(value);
            case "create-stream-ms" -> createStreamDelay = Duration.ofMillis(Long.parseLong(value));
            case "delete-stream-ms" -> deleteStreamDelay = Duration.ofMillis(Long.parseLong(value));
            case "update-stream-ms" -> updateStreamDelay = Duration.ofMillis(Long.parseLong(value));
            case "auth" -> auth = value.isEmpty() ? null : value;
            case "topic-prefix" -> topicPrefix = value;
            default -> throw new IllegalArgumentException("unknown setting '" + key + "'");
        }
    }

    public String streamArn(String streamName) {
        return "arn:aws:kinesis:" + region + ":" + accountId + ":stream/" + streamName;
    }
}
