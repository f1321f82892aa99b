package io.runnel.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Debian's AWS CLI, pointed at {@code ./runnel up}, works the way it works against Kinesis. */
class AwsCliTest {

    private static final Path AWS = Commands.AWS;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The server checks SigV4 signatures, so every command below is signed with this secret and verified. */
    private static final String SECRET = Commands.SECRET;

    @TempDir
    static Path dir;
    private static RunnelProcess runnel;

    @BeforeAll
    static void up() throws Exception {
        assertThat(AWS).as("Debian's awscli (apt-get install awscli)").isExecutable();
        runnel = RunnelProcess.up(Path.of("target/runnel-cli.log"), "--port", "0", "--kafka-port", "0",
                "--data-dir", dir.resolve("data").toString(), "--create-stream-ms", "200", "--update-stream-ms", "200",
                "--auth", "runnel:" + SECRET);
    }

    @AfterAll
    static void down() throws Exception {
        assertThat(runnel.stop()).as("exit status after SIGTERM").isIn(0, 143);
    }

    @Test
    void theCliDrivesAStream() throws Exception {
        aws("kinesis", "create-stream", "--stream-name", "cli-orders", "--shard-count", "2");
        await().atMost(Duration.ofSeconds(60)).until(() -> aws("kinesis", "describe-stream-summary", "--stream-name", "cli-orders")
                .at("/StreamDescriptionSummary/StreamStatus").asText().equals("ACTIVE"));

        JsonNode one = aws("kinesis", "put-record", "--stream-name", "cli-orders", "--partition-key", "alice",
                "--cli-binary-format", "raw-in-base64-out", "--data", "order 1");
        assertThat(one.get("SequenceNumber").asText()).matches("[1-9][0-9]*");
        String shard = one.get("ShardId").asText();

        Path records = dir.resolve("records.json");
        Files.writeString(records, JSON.writeValueAsString(List.of(
                Map.of("PartitionKey", "alice", "Data", b64("order 2")),
                Map.of("PartitionKey", "alice", "Data", b64("order 3")))));
        JsonNode many = aws("kinesis", "put-records", "--stream-name", "cli-orders", "--records", "file://" + records);
        assertThat(many.get("FailedRecordCount").asInt()).isZero();
        assertThat(many.at("/Records/0/ShardId").asText()).isEqualTo(shard);

        String iterator = aws("kinesis", "get-shard-iterator", "--stream-name", "cli-orders", "--shard-id", shard,
                "--shard-iterator-type", "TRIM_HORIZON").get("ShardIterator").asText();
        JsonNode got = aws("kinesis", "get-records", "--shard-iterator", iterator);
        List<String> data = new ArrayList<>();
        got.get("Records").forEach(r -> data.add(new String(Base64.getDecoder().decode(r.get("Data").asText()), StandardCharsets.UTF_8)));
        assertThat(data).containsExactly("order 1", "order 2", "order 3");
        assertThat(got.at("/Records/0/PartitionKey").asText()).isEqualTo("alice");

        JsonNode shards = aws("kinesis", "list-shards", "--stream-name", "cli-orders");
        assertThat(shards.get("Shards")).hasSize(2);
        String end = shards.at("/Shards/0/HashKeyRange/EndingHashKey").asText();
        aws("kinesis", "split-shard", "--stream-name", "cli-orders", "--shard-to-split", "shardId-000000000000",
                "--new-starting-hash-key", new java.math.BigInteger(end).shiftRight(1).toString());
        await().atMost(Duration.ofSeconds(60)).until(() -> aws("kinesis", "list-shards", "--stream-name", "cli-orders").get("Shards").size() == 4);
        JsonNode after = aws("kinesis", "list-shards", "--stream-name", "cli-orders");
        assertThat(after.at("/Shards/2/ParentShardId").asText()).isEqualTo("shardId-000000000000");
        assertThat(after.at("/Shards/0/SequenceNumberRange/EndingSequenceNumber").isMissingNode()).isFalse();

        assertThat(awsFails("kinesis", "describe-stream", "--stream-name", "no-such-stream"))
                .contains("ResourceNotFoundException").contains("Stream no-such-stream under account 000000000000 not found.");
        Commands.Result wrongSecret = run("not-the-secret", "kinesis", "list-streams");
        assertThat(wrongSecret.exit()).isNotZero();
        assertThat(wrongSecret.output()).contains("InvalidSignatureException");
    }

    @Test
    void theCliReachesTheServerOverHttpsWithoutVerifyingItsCertificate() throws Exception {
        Commands.Result r = Commands.aws(runnel.httpsEndpoint(), SECRET, "--no-verify-ssl",
                "kinesis", "create-stream", "--stream-name", "cli-over-tls", "--shard-count", "1");
        assertThat(r.exit()).as(r.output()).isZero();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            Commands.Result listed = Commands.aws(runnel.httpsEndpoint(), SECRET, "--no-verify-ssl",
                    "kinesis", "list-streams");
            assertThat(listed.exit()).as(listed.output()).isZero();
            return listed.output().contains("cli-over-tls");
        });
        // Without --no-verify-ssl the CLI refuses a certificate nobody vouches for.
        Commands.Result unverified = Commands.aws(runnel.httpsEndpoint(), SECRET, "kinesis", "list-streams");
        assertThat(unverified.exit()).isNotZero();
        assertThat(unverified.output()).containsIgnoringCase("certificate");
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode aws(String... args) throws Exception {
        Commands.Result r = run(SECRET, args);
        assertThat(r.exit()).as("aws %s: %s", String.join(" ", args), r.output()).isZero();
        return r.output().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.output());
    }

    private static String awsFails(String... args) throws Exception {
        Commands.Result r = run(SECRET, args);
        assertThat(r.exit()).as("aws %s should fail", String.join(" ", args)).isNotZero();
        return r.output();
    }

    private static Commands.Result run(String secret, String... args) throws IOException, InterruptedException {
        return Commands.aws(runnel.endpoint(), secret, args);
    }
}
