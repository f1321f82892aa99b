package io.runnel.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How a Runnel server runs. Every setting has a command-line flag of the same name and may also be given in
 * a properties file ({@code --config runnel.properties}); picocli merges the two, a flag winning over the file.
 */
public final class RunnelConfig {

    public String host = "127.0.0.1";
    /** The host name others reach this server by, in the addresses it hands out; default: {@code host}. */
    public String advertisedHost;
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

    /** Where Flink jobs run: {@code embedded} (a child process), {@code none}, or an existing cluster's REST URL. */
    public String flink = "embedded";
    /** Port of the embedded cluster's REST API and web UI; 0 picks a free one. */
    public int flinkPort = 8081;
    public int flinkSlots = 8;
    /** The embedded cluster's Flink home (lib/, plugins/, opt/), as deploy/standalone builds it. */
    public Path flinkHome = Optional.ofNullable(System.getProperty("runnel.flink.home")).map(Path::of).orElse(null);
    /** The JVM options of the embedded cluster's process. */
    public String flinkJavaOpts = "-Xms256m -Xmx1g -XX:MaxDirectMemorySize=512m -XX:MaxMetaspaceSize=512m -XX:+UseG1GC";
    /** Where jobs' checkpoints and savepoints go; null: under the data dir for the embedded cluster, the S3 endpoint otherwise. */
    public String checkpointDir;
    public String savepointDir;
    /** Port of the SQL Gateway; 0 picks a free one. */
    public int sqlGatewayPort = 8083;
    /** With {@code flink} a URL: an existing SQL Gateway for that cluster, so that the server starts no process at all. */
    public String sqlGateway;
    /** Port of the embedded S3 endpoint; 0 picks a free one. */
    public int s3Port = 4569;
    /** Port of the API over HTTPS (HTTP/1.1 and HTTP/2); 0 picks a free one. */
    public int tlsPort = 4443;
    /** PEM certificate (chain) and private key of the HTTPS port; null: a self-signed pair kept in the data dir. */
    public Path tlsCert;
    public Path tlsKey;
    /** An existing S3-compatible store instead of the embedded one, with its keys. */
    public String s3Endpoint;
    public String s3AccessKey;
    public String s3SecretKey;

    /** Applies one setting, named as its flag is without the dashes. */
    public void set(String key, String value) {
        switch (key) {
            case "host" -> host = value;
            case "advertised-host" -> advertisedHost = value.isEmpty() ? null : value;
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
            case "metadata-topic" -> metadataTopic = value;
            case "flink" -> flink = value.isEmpty() ? "embedded" : value;
            case "flink-port" -> flinkPort = Integer.parseInt(value);
            case "flink-slots" -> flinkSlots = Integer.parseInt(value);
            case "flink-home" -> flinkHome = Path.of(value);
            case "flink-java-opts" -> flinkJavaOpts = value;
            case "checkpoint-dir" -> checkpointDir = value.isEmpty() ? null : value;
            case "savepoint-dir" -> savepointDir = value.isEmpty() ? null : value;
            case "sql-gateway-port" -> sqlGatewayPort = Integer.parseInt(value);
            case "sql-gateway" -> sqlGateway = value.isEmpty() ? null : value;
            case "s3-port" -> s3Port = Integer.parseInt(value);
            case "tls-port" -> tlsPort = Integer.parseInt(value);
            case "tls-cert" -> tlsCert = value.isEmpty() ? null : Path.of(value);
            case "tls-key" -> tlsKey = value.isEmpty() ? null : Path.of(value);
            case "s3-endpoint" -> s3Endpoint = value.isEmpty() ? null : value;
            case "s3-access-key" -> s3AccessKey = value.isEmpty() ? null : value;
            case "s3-secret-key" -> s3SecretKey = value.isEmpty() ? null : value;
            default -> throw new IllegalArgumentException("unknown setting '" + key + "'");
        }
    }

    /** The host in addresses this server hands out: advertised-host, else host unless it is a wildcard, else this machine's name. */
    public String advertisedHost() {
        if (advertisedHost != null) {
            return advertisedHost;
        }
        if (!host.equals("0.0.0.0") && !host.equals("::")) {
            return host;
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "127.0.0.1";
        }
    }

    public String streamArn(String streamName) {
        return "arn:aws:kinesis:" + region + ":" + accountId + ":stream/" + streamName;
    }

    public String applicationArn(String applicationName) {
        return "arn:aws:kinesisanalytics:" + region + ":" + accountId + ":application/" + applicationName;
    }

    /** The first of the {@code auth} keys, as {id, secret}, or null when requests need no signature. */
    public String[] firstAuthKey() {
        if (auth == null) {
            return null;
        }
        String[] pair = auth.split(",")[0].trim().split(":", 2);
        return pair.length == 2 ? pair : null;
    }
}
