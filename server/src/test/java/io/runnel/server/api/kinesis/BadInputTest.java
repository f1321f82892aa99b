package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.runnel.server.testing.Clients;
import io.runnel.server.testing.RunnelServerExtension;
import io.runnel.server.testing.SignedRequests;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.io.OutputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Malformed and invalid requests, each answered with the exception type, HTTP status and message form of
 * Kinesis, and never with a stack trace; the server goes on serving afterwards.
 */
@ExtendWith(RunnelServerExtension.class)
class BadInputTest {

    private static final String STREAM = "bad-input";
    private static final String JSON = "application/x-amz-json-1.1";
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static KinesisClient kinesis;
    private static String shard1Sequence;
    private static String goneIterator;

    record Case(String name, String target, String contentType, byte[] body, int status, String type, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void streams() {
        kinesis = Clients.sync(RunnelServerExtension.server().endpoint(), true);
        kinesis.createStream(b -> b.streamName(STREAM).shardCount(2));
        kinesis.createStream(b -> b.streamName(STREAM + "-gone").shardCount(1));
        awaitActive(STREAM);
        awaitActive(STREAM + "-gone");
        shard1Sequence = kinesis.putRecord(b -> b.streamName(STREAM).partitionKey("k")
                .explicitHashKey(BigInteger.TWO.pow(127).toString()).data(SdkBytes.fromUtf8String("x"))).sequenceNumber();
        // Close shard 0 so that resharding it again can be refused.
        kinesis.splitShard(b -> b.streamName(STREAM).shardToSplit("shardId-000000000000").newStartingHashKey("1000"));
        awaitActive(STREAM);
        goneIterator = kinesis.getShardIterator(b -> b.streamName(STREAM + "-gone").shardId("shardId-000000000000")
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
        kinesis.deleteStream(b -> b.streamName(STREAM + "-gone"));
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            try {
                kinesis.describeStreamSummary(b -> b.streamName(STREAM + "-gone"));
                return false;
            } catch (ResourceNotFoundException e) {
                return true;
            }
        });
    }

    @AfterAll
    static void close() {
        kinesis.close();
    }

    private static void awaitActive(String name) {
        await().atMost(Duration.ofSeconds(30)).until(() -> kinesis.describeStreamSummary(b -> b.streamName(name))
                .streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
    }

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        String a129 = "a".repeat(129);
        String oneMiBPlus = Base64.getEncoder().encodeToString(new byte[1024 * 1024 + 1]);
        String oneMiB = Base64.getEncoder().encodeToString(new byte[1024 * 1024]);
        // Sealed with what anyone knows (the account and region): the server's key is its own secret.
        String iterator = new ShardIterators(() -> "runnel-shard-iterator:000000000000:us-east-1".getBytes(StandardCharsets.UTF_8))
                .encode(new ShardIterators.Position(STREAM, 0, 1, 0, System.currentTimeMillis()));
        // Names are taken from the live stream in the cases that need a valid one.

        // CreateStream
        c.add(validation("create without a name", "CreateStream", "{\"ShardCount\":1}",
                "1 validation error detected: Value null at 'streamName' failed to satisfy constraint: Member must not be null"));
        c.add(validation("create with an empty name", "CreateStream", "{\"StreamName\":\"\",\"ShardCount\":1}",
                "Value '' at 'streamName' failed to satisfy constraint: Member must have length greater than or equal to 1"));
        c.add(validation("create with a long name", "CreateStream", "{\"StreamName\":\"" + a129 + "\",\"ShardCount\":1}",
                "1 validation error detected: Value '" + a129 + "' at 'streamName' failed to satisfy constraint: Member must have length less than or equal to 128"));
        c.add(validation("create with a bad name", "CreateStream", "{\"StreamName\":\"bad name!\",\"ShardCount\":1}",
                "1 validation error detected: Value 'bad name!' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"));
        c.add(serialization("create with a numeric name", "CreateStream", "{\"StreamName\":123}",
                "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String"));
        c.add(serialization("create with a boolean name", "CreateStream", "{\"StreamName\":true}",
                "class java.lang.Boolean can not be converted to an String"));
        c.add(serialization("create with a list name", "CreateStream", "{\"StreamName\":[]}",
                "Start of list found where not expected"));
        c.add(serialization("create with a map name", "CreateStream", "{\"StreamName\":{}}",
                "Start of structure or map found where not expected."));
        c.add(validation("create with zero shards", "CreateStream", "{\"StreamName\":\"x\",\"ShardCount\":0}",
                "1 validation error detected: Value '0' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1"));
        // An Integer member holds a number beyond its range at the range's end, as Kinesis does, never wrapped around.
        c.add(error("create with more shards than an Integer holds", "CreateStream",
                "{\"StreamName\":\"x\",\"ShardCount\":4294967297}", 400, "LimitExceededException",
                "Number of additional shards that would have resulted from this request: 2147483647."));
        c.add(validation("create with half a shard", "CreateStream", "{\"StreamName\":\"x\",\"ShardCount\":0.5}",
                "1 validation error detected: Value '0' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1"));
        c.add(serialization("create with a text shard count", "CreateStream", "{\"StreamName\":\"x\",\"ShardCount\":\"2\"}",
                "class java.lang.String can not be converted to an Integer"));
        c.add(validation("create provisioned without a shard count", "CreateStream", "{\"StreamName\":\"x\"}",
                "Value null at 'shardCount' failed to satisfy constraint: Member must not be null"));
        c.add(validation("create with an unknown mode", "CreateStream", "{\"StreamName\":\"x\",\"StreamModeDetails\":{\"StreamMode\":\"FAST\"}}",
                "Value 'FAST' at 'streamModeDetails.streamMode' failed to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]"));
        c.add(validation("create with mode details but no mode", "CreateStream", "{\"StreamName\":\"x\",\"StreamModeDetails\":{}}",
                "Value null at 'streamModeDetails.streamMode' failed to satisfy constraint: Member must not be null"));
        c.add(validation("create with an empty tag key", "CreateStream", "{\"StreamName\":\"x\",\"ShardCount\":1,\"Tags\":{\"\":\"v\"}}",
                "Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]"));
        c.add(error("create beyond the shard limit", "CreateStream", "{\"StreamName\":\"huge\",\"ShardCount\":100000}",
                400, "LimitExceededException", "This request would exceed the shard limit for the account 000000000000"));
        StringBuilder tags = new StringBuilder();
        for (int i = 0; i < 51; i++) {
            tags.append(i == 0 ? "" : ",").append("\"t").append(i).append("\":\"v\"");
        }
        c.add(error("create with 51 tags", "CreateStream", "{\"StreamName\":\"tagged\",\"ShardCount\":1,\"Tags\":{" + tags + "}}",
                400, "InvalidArgumentException", "because a given stream cannot have more than 50 tags associated with it."));
        c.add(error("create an existing stream", "CreateStream", "{\"StreamName\":\"" + STREAM + "\",\"ShardCount\":1}",
                400, "ResourceInUseException", "Stream bad-input under account 000000000000 already exists."));

        // PutRecord
        c.add(validation("put without data or key", "PutRecord", "{\"StreamName\":\"" + STREAM + "\"}",
                "2 validation errors detected: Value null at 'data' failed to satisfy constraint: Member must not be null; "
                        + "Value null at 'partitionKey' failed to satisfy constraint: Member must not be null"));
        c.add(validation("put with an empty key", "PutRecord", put("\"PartitionKey\":\"\",\"Data\":\"YQ==\""),
                "Value '' at 'partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1"));
        c.add(validation("put with a long key", "PutRecord", put("\"PartitionKey\":\"" + "k".repeat(257) + "\",\"Data\":\"YQ==\""),
                "at 'partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256"));
        c.add(serialization("put with short base64", "PutRecord", put("\"PartitionKey\":\"k\",\"Data\":\"abc\""),
                "'abc' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 3"));
        c.add(serialization("put with bad base64", "PutRecord", put("\"PartitionKey\":\"k\",\"Data\":\"!!!!\""),
                "'!!!!' can not be converted to a Blob"));
        c.add(validation("put more than 1 MiB", "PutRecord", put("\"PartitionKey\":\"k\",\"Data\":\"" + oneMiBPlus + "\""),
                "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=1048577 cap=1048577]' at 'data' failed to satisfy constraint: Member must have length less than or equal to 1048576"));
        c.add(validation("put with a non-numeric hash key", "PutRecord", put("\"PartitionKey\":\"k\",\"Data\":\"YQ==\",\"ExplicitHashKey\":\"abc\""),
                "Value 'abc' at 'explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})"));
        c.add(error("put with a hash key past 2^128-1", "PutRecord",
                put("\"PartitionKey\":\"k\",\"Data\":\"YQ==\",\"ExplicitHashKey\":\"" + BigInteger.TWO.pow(128) + "\""),
                400, "InvalidArgumentException", "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was " + BigInteger.TWO.pow(128)));
        c.add(validation("put with a bad ordering number", "PutRecord", put("\"PartitionKey\":\"k\",\"Data\":\"YQ==\",\"SequenceNumberForOrdering\":\"x\""),
                "Value 'x' at 'sequenceNumberForOrdering' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128})"));
        c.add(error("put to an unknown stream", "PutRecord", "{\"StreamName\":\"nope\",\"PartitionKey\":\"k\",\"Data\":\"YQ==\"}",
                400, "ResourceNotFoundException", "Stream nope under account 000000000000 not found."));
        c.add(validation("put naming no stream", "PutRecord", "{\"PartitionKey\":\"k\",\"Data\":\"YQ==\"}",
                "Either StreamName or StreamARN must be provided."));
        c.add(validation("put with a malformed ARN", "PutRecord", "{\"StreamARN\":\"arn:foo\",\"PartitionKey\":\"k\",\"Data\":\"YQ==\"}",
                "Value 'arn:foo' at 'streamARN' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+"));
        c.add(error("put to another account's stream", "PutRecord",
                "{\"StreamARN\":\"arn:aws:kinesis:us-east-1:111111111111:stream/" + STREAM + "\",\"PartitionKey\":\"k\",\"Data\":\"YQ==\"}",
                400, "ResourceNotFoundException", "Stream bad-input under account 111111111111 not found."));
        c.add(error("put naming two streams", "PutRecord",
                "{\"StreamName\":\"other\",\"StreamARN\":\"arn:aws:kinesis:us-east-1:000000000000:stream/" + STREAM + "\",\"PartitionKey\":\"k\",\"Data\":\"YQ==\"}",
                400, "InvalidArgumentException", "name different streams"));

        // PutRecords
        c.add(validation("put no records", "PutRecords", puts("[]"),
                "Value '[]' at 'records' failed to satisfy constraint: Member must have length greater than or equal to 1"));
        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i < 501; i++) {
            many.append(i == 0 ? "" : ",").append("{\"PartitionKey\":\"k\",\"Data\":\"YQ==\"}");
        }
        c.add(validation("put 501 records", "PutRecords", puts(many + "]"),
                "at 'records' failed to satisfy constraint: Member must have length less than or equal to 500"));
        c.add(validation("put a record without a key", "PutRecords", puts("[{\"Data\":\"YQ==\"}]"),
                "1 validation error detected: Value null at 'records.1.member.partitionKey' failed to satisfy constraint: Member must not be null"));
        c.add(serialization("put records that are not a list", "PutRecords", puts("\"x\""), "Expected list or null"));
        StringBuilder big = new StringBuilder("[");
        for (int i = 0; i < 5; i++) {
            big.append(i == 0 ? "" : ",").append("{\"PartitionKey\":\"k\",\"Data\":\"").append(oneMiB).append("\"}");
        }
        c.add(error("put more than 5 MiB", "PutRecords", puts(big + "]"), 400, "InvalidArgumentException", "Records size exceeds 5 MB limit"));

        // GetShardIterator
        c.add(validation("iterator without shard or type", "GetShardIterator", "{\"StreamName\":\"" + STREAM + "\"}",
                "2 validation errors detected: Value null at 'shardId' failed to satisfy constraint: Member must not be null; "
                        + "Value null at 'shardIteratorType' failed to satisfy constraint: Member must not be null"));
        c.add(validation("iterator of an unknown type", "GetShardIterator", iter("\"ShardId\":\"shardId-000000000001\",\"ShardIteratorType\":\"OLDEST\""),
                "Value 'OLDEST' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: [AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, TRIM_HORIZON, LATEST, AT_TIMESTAMP]"));
        c.add(error("iterator at no sequence number", "GetShardIterator", iter("\"ShardId\":\"shardId-000000000001\",\"ShardIteratorType\":\"AT_SEQUENCE_NUMBER\""),
                400, "InvalidArgumentException", "Request specified AT_SEQUENCE_NUMBER and no StartingSequenceNumber."));
        c.add(error("latest iterator with a sequence number", "GetShardIterator",
                iter("\"ShardId\":\"shardId-000000000001\",\"ShardIteratorType\":\"LATEST\",\"StartingSequenceNumber\":\"1\""),
                400, "InvalidArgumentException", "Request specified LATEST and also a StartingSequenceNumber."));
        c.add(error("timestamp iterator without a time", "GetShardIterator", iter("\"ShardId\":\"shardId-000000000001\",\"ShardIteratorType\":\"AT_TIMESTAMP\""),
                400, "InvalidArgumentException", "Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP."));
        c.add(error("timestamp iterator in the future", "GetShardIterator",
                iter("\"ShardId\":\"shardId-000000000001\",\"ShardIteratorType\":\"AT_TIMESTAMP\",\"Timestamp\":" + (System.currentTimeMillis() / 1000 + 3600)),
                400, "InvalidArgumentException", "The timestampInMillis parameter cannot be greater than the currentTimestampInMillis."));
        c.add(serialization("timestamp that is not a time", "GetShardIterator",
                iter("\"ShardId\":\"shardId-000000000001\",\"ShardIteratorType\":\"AT_TIMESTAMP\",\"Timestamp\":\"yesterday\""),
                "'yesterday' can not be converted to a Timestamp"));
        c.add(error("iterator of an unknown shard", "GetShardIterator", iter("\"ShardId\":\"shardId-000000000099\",\"ShardIteratorType\":\"LATEST\""),
                400, "ResourceNotFoundException", "Shard shardId-000000000099 in stream bad-input under account 000000000000 does not exist"));
        c.add(error("iterator of another shard's sequence number", "GetShardIterator",
                iter("\"ShardId\":\"shardId-000000000000\",\"ShardIteratorType\":\"AT_SEQUENCE_NUMBER\",\"StartingSequenceNumber\":\"" + shard1Sequence + "\""),
                400, "InvalidArgumentException", "Invalid StartingSequenceNumber. It encodes shardId-000000000001, while it was used "
                        + "in a call to a shard with shardId-000000000000"));
        c.add(validation("iterator of a non-numeric sequence number", "GetShardIterator",
                iter("\"ShardId\":\"shardId-000000000001\",\"ShardIteratorType\":\"AT_SEQUENCE_NUMBER\",\"StartingSequenceNumber\":\"abc\""),
                "Value 'abc' at 'startingSequenceNumber' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128})"));
        c.add(error("iterator of an unknown stream", "GetShardIterator",
                "{\"StreamName\":\"nope\",\"ShardId\":\"shardId-0\",\"ShardIteratorType\":\"LATEST\"}",
                400, "ResourceNotFoundException", "Shard shardId-000000000000 in stream nope under account 000000000000 does not exist"));
        c.add(error("iterator of a shard id without digits", "GetShardIterator", iter("\"ShardId\":\"shardId-x\",\"ShardIteratorType\":\"LATEST\""),
                400, "ResourceNotFoundException", "Could not find shard shardId-x in stream bad-input under account 000000000000."));

        // GetRecords
        c.add(validation("records without an iterator", "GetRecords", "{}",
                "1 validation error detected: Value null at 'shardIterator' failed to satisfy constraint: Member must not be null"));
        c.add(validation("records with an empty iterator", "GetRecords", "{\"ShardIterator\":\"\"}",
                "Value '' at 'shardIterator' failed to satisfy constraint: Member must have length greater than or equal to 1"));
        c.add(error("records with a made-up iterator", "GetRecords", "{\"ShardIterator\":\"garbage\"}",
                400, "InvalidArgumentException", "Invalid ShardIterator."));
        c.add(validation("records with a long iterator", "GetRecords", "{\"ShardIterator\":\"" + "a".repeat(513) + "\"}",
                "failed to satisfy constraint: Member must have length less than or equal to 512"));
        c.add(validation("records with a zero limit", "GetRecords", "{\"ShardIterator\":\"" + iterator + "\",\"Limit\":0}",
                "Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"));
        c.add(validation("records with a limit past 10000", "GetRecords", "{\"ShardIterator\":\"" + iterator + "\",\"Limit\":10001}",
                "Value '10001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000"));
        // Sealed with the server's own key, as an iterator it issued six minutes ago.
        long created = System.currentTimeMillis() - 360_000;
        String expired = new ShardIterators(ShardIterators.keyIn(RunnelServerExtension.server().server.metadata()))
                .encode(new ShardIterators.Position(STREAM, 0, 1, 0, created));
        c.add(error("records with an expired iterator", "GetRecords", "{\"ShardIterator\":\"" + expired + "\"}",
                400, "ExpiredIteratorException", "Iterator expired. The iterator was created at time "
                        + java.time.format.DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss 'UTC' yyyy", java.util.Locale.US)
                        .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.ofEpochMilli(created)) + " while right now it is "));
        c.add(error("records with an expired iterator, and how expired", "GetRecords", "{\"ShardIterator\":\"" + expired + "\"}",
                400, "ExpiredIteratorException", "which is further in the future than the tolerated delay of 300000 milliseconds."));
        String foreign = new ShardIterators(() -> "another server's key".getBytes(StandardCharsets.UTF_8)).encode(new ShardIterators.Position(
                STREAM, 0, 1, 0, System.currentTimeMillis()));
        c.add(error("records with another account's iterator", "GetRecords", "{\"ShardIterator\":\"" + foreign + "\"}",
                400, "InvalidArgumentException", "Invalid ShardIterator."));
        String tampered = Base64.getEncoder().encodeToString(Base64.getDecoder().decode(iterator.replace('A', 'B')));
        c.add(error("records with an altered iterator", "GetRecords", "{\"ShardIterator\":\"" + tampered + "\"}",
                400, "InvalidArgumentException", "Invalid ShardIterator."));
        c.add(error("records with a forged iterator", "GetRecords", "{\"ShardIterator\":\"" + iterator + "\"}",
                400, "InvalidArgumentException", "Invalid ShardIterator."));
        c.add(error("records of a deleted stream", "GetRecords", "{\"ShardIterator\":\"" + goneIterator + "\"}",
                400, "ResourceNotFoundException", "Shard shardId-000000000000 in stream bad-input-gone under account 000000000000 does not exist"));

        // Resharding
        c.add(error("split a closed shard", "SplitShard",
                stream("\"ShardToSplit\":\"shardId-000000000000\",\"NewStartingHashKey\":\"500\""),
                400, "ResourceInUseException", "Shard shardId-000000000000 in stream bad-input under account 000000000000 has already been merged or split, and thus is not eligible for merging or splitting."));
        c.add(error("split at the shard's first key", "SplitShard",
                stream("\"ShardToSplit\":\"shardId-000000000001\",\"NewStartingHashKey\":\"" + BigInteger.TWO.pow(127) + "\""),
                400, "InvalidArgumentException", "is not both greater than one plus the shard's StartingHashKey"));
        c.add(error("split an unknown shard", "SplitShard", stream("\"ShardToSplit\":\"shardId-000000000042\",\"NewStartingHashKey\":\"5\""),
                400, "ResourceNotFoundException", "Could not find shard shardId-000000000042 in stream bad-input under account 000000000000."));
        c.add(validation("split at a negative key", "SplitShard", stream("\"ShardToSplit\":\"shardId-000000000001\",\"NewStartingHashKey\":\"-1\""),
                "Value '-1' at 'newStartingHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})"));
        c.add(error("merge shards that are not adjacent", "MergeShards",
                stream("\"ShardToMerge\":\"shardId-000000000002\",\"AdjacentShardToMerge\":\"shardId-000000000001\""),
                400, "InvalidArgumentException", "are not an adjacent pair of shards eligible for merging"));
        c.add(error("merge a closed shard", "MergeShards",
                stream("\"ShardToMerge\":\"shardId-000000000000\",\"AdjacentShardToMerge\":\"shardId-000000000001\""),
                400, "ResourceInUseException", "has already been merged or split"));
        c.add(validation("scale with an unknown scaling type", "UpdateShardCount", stream("\"TargetShardCount\":4,\"ScalingType\":\"X\""),
                "Value 'X' at 'scalingType' failed to satisfy constraint: Member must satisfy enum value set: [UNIFORM_SCALING]"));
        c.add(error("scale to more than double", "UpdateShardCount", stream("\"TargetShardCount\":100,\"ScalingType\":\"UNIFORM_SCALING\""),
                400, "LimitExceededException", "UpdateShardCount cannot scale up over double your current open shard count. "
                        + "Current open shard count: 3, Target shard count: 100"));

        // Retention, tags, listing
        c.add(error("retain for more than a year", "IncreaseStreamRetentionPeriod", stream("\"RetentionPeriodHours\":8761"),
                400, "InvalidArgumentException", "Maximum allowed retention period is 8760 hours. Requested retention period (8761 hours) is too long."));
        c.add(error("retain for less than a day", "DecreaseStreamRetentionPeriod", stream("\"RetentionPeriodHours\":10"),
                400, "InvalidArgumentException", "Minimum allowed retention period is 24 hours. Requested retention period (10 hours) is too short."));
        c.add(validation("retention without hours", "IncreaseStreamRetentionPeriod", stream(null),
                "Value null at 'retentionPeriodHours' failed to satisfy constraint: Member must not be null"));
        c.add(validation("remove no tags", "RemoveTagsFromStream", stream("\"TagKeys\":[]"),
                "Value '[]' at 'tagKeys' failed to satisfy constraint: Member must have length greater than or equal to 1"));
        c.add(validation("list too many tags", "ListTagsForStream", stream("\"Limit\":51"),
                "Value '51' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 50"));
        c.add(error("list shards by token and name", "ListShards", stream("\"NextToken\":\"abcd\""),
                400, "InvalidArgumentException", "NextToken and StreamName cannot be provided together."));
        c.add(error("list shards of no stream", "ListShards", "{}",
                400, "InvalidArgumentException", "Either NextToken or StreamName should be provided."));
        c.add(error("list shards by a made-up token", "ListShards", "{\"NextToken\":\"x\"}",
                400, "InvalidArgumentException", "Invalid NextToken."));
        c.add(error("list shards after no shard", "ListShards", stream("\"ShardFilter\":{\"Type\":\"AFTER_SHARD_ID\"}"),
                400, "InvalidArgumentException", "Must specify ShardId in ShardFilter when ShardFilter type is AFTER_SHARD_ID."));
        c.add(validation("list shards with a typeless filter", "ListShards", stream("\"ShardFilter\":{}"),
                "Value null at 'shardFilter.type' failed to satisfy constraint: Member must not be null"));
        c.add(validation("list more streams than an Integer holds", "ListStreams", "{\"Limit\":123456789012345678901234567890}",
                "Value '2147483647' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000"));
        c.add(validation("list zero streams", "ListStreams", "{\"Limit\":0}",
                "Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"));
        c.add(validation("describe zero shards", "DescribeStream", stream("\"Limit\":0"),
                "Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"));
        c.add(error("tags with a character Kinesis refuses", "AddTagsToStream", stream("\"Tags\":{\"team\":\"a|b\"}"),
                400, "InvalidArgumentException", "Some tags contain invalid characters. Valid characters: "
                        + "Unicode letters, digits, white space, _ . / = + - % @ :."));
        c.add(error("tags with a percent sign", "AddTagsToStream", stream("\"Tags\":{\"share\":\"50%\"}"),
                400, "InvalidArgumentException", "Failed to add tags to stream " + STREAM + " under account 000000000000 because "
                        + "some tags contained illegal characters. The allowed characters are Unicode letters, white-spaces, "
                        + "'_',',','/','=','+','-','@',':'."));
        c.add(error("describe an unknown stream", "DescribeStream", "{\"StreamName\":\"nope\"}",
                400, "ResourceNotFoundException", "Stream nope under account 000000000000 not found."));
        c.add(error("delete an unknown stream", "DeleteStream", "{\"StreamName\":\"nope\"}",
                400, "ResourceNotFoundException", "Stream nope under account 000000000000 not found."));

        // Enhanced fan-out
        c.add(validation("a consumer with nothing", "RegisterStreamConsumer", "{}",
                "2 validation errors detected: Value null at 'streamARN' failed to satisfy constraint: Member must not be null; "
                        + "Value null at 'consumerName' failed to satisfy constraint: Member must not be null"));
        c.add(validation("a consumer with a bad name", "RegisterStreamConsumer",
                "{\"StreamARN\":\"arn:aws:kinesis:us-east-1:000000000000:stream/" + STREAM + "\",\"ConsumerName\":\"a b\"}",
                "1 validation error detected: Value 'a b' at 'consumerName' failed to satisfy constraint: Member must satisfy "
                        + "regular expression pattern: [a-zA-Z0-9_.-]+"));
        c.add(error("a consumer of an unknown stream", "RegisterStreamConsumer",
                "{\"StreamARN\":\"arn:aws:kinesis:us-east-1:000000000000:stream/nope\",\"ConsumerName\":\"c\"}",
                400, "ResourceNotFoundException", "Stream nope under account 000000000000 not found."));
        c.add(error("describing a consumer by name alone", "DescribeStreamConsumer", "{\"ConsumerName\":\"c\"}",
                400, "InvalidArgumentException", "Either ConsumerARN or both ConsumerName and StreamARN must be provided."));
        c.add(error("describing an unknown consumer", "DescribeStreamConsumer",
                "{\"ConsumerARN\":\"arn:aws:kinesis:us-east-1:000000000000:stream/" + STREAM + "/consumer/nobody:1764600000\"}",
                400, "ResourceNotFoundException", "Consumer arn:aws:kinesis:us-east-1:000000000000:stream/" + STREAM
                        + "/consumer/nobody:1764600000 under stream arn:aws:kinesis:us-east-1:000000000000:stream/" + STREAM + " not found."));
        c.add(validation("a subscription with nothing", "SubscribeToShard", "{}",
                "3 validation errors detected: Value null at 'consumerARN' failed to satisfy constraint: Member must not be null; "
                        + "Value null at 'shardId' failed to satisfy constraint: Member must not be null; "
                        + "Value null at 'startingPosition' failed to satisfy constraint: Member must not be null"));
        c.add(validation("a subscription from nowhere", "SubscribeToShard",
                "{\"ConsumerARN\":\"arn:aws:kinesis:us-east-1:000000000000:stream/" + STREAM + "/consumer/nobody:1764600000\","
                        + "\"ShardId\":\"shardId-000000000000\",\"StartingPosition\":{\"Type\":\"SOMEWHERE\"}}",
                "1 validation error detected: Value 'SOMEWHERE' at 'startingPosition.type' failed to satisfy constraint: Member must "
                        + "satisfy enum value set: [AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, TRIM_HORIZON, LATEST, AT_TIMESTAMP]"));

        // Runnel's own operations
        c.add(new Case("a stream table without Table", "Runnel_20261126.PutStreamTable", JSON,
                stream(null).getBytes(StandardCharsets.UTF_8), 400, "ValidationException",
                "1 validation error detected: Value null at 'table' failed to satisfy constraint: Member must not be null"));
        c.add(new Case("a table for an unknown stream", "Runnel_20261126.PutStreamTable", JSON,
                "{\"StreamName\":\"nope\",\"Table\":{}}".getBytes(StandardCharsets.UTF_8), 400, "ResourceNotFoundException",
                "Stream nope under account 000000000000 not found."));
        c.add(new Case("an unknown Runnel operation", "Runnel_20261126.Explode", JSON, "{}".getBytes(StandardCharsets.UTF_8),
                400, "UnknownOperationException", null));

        // The protocol itself
        c.add(error("an unknown operation", "Explode", "{}", 400, "UnknownOperationException", null));
        c.add(new Case("no target header", null, JSON, "{}".getBytes(StandardCharsets.UTF_8), 400, "UnknownOperationException", null));
        c.add(new Case("a text body", "Kinesis_20131202.ListStreams", "text/plain", "{}".getBytes(StandardCharsets.UTF_8), 404,
                "UnknownOperationException", null));
        c.add(new Case("a text body and no target", null, "text/plain", "{}".getBytes(StandardCharsets.UTF_8), 403,
                "AccessDeniedException", "Unable to determine service/operation name to be authorized"));
        c.add(new Case("an empty body for an unknown operation", "Kinesis_20131202.Explode", JSON, new byte[0], 400,
                "UnknownOperationException", null));
        c.add(new Case("an empty body of no known type", "Kinesis_20131202.ListStreams", "text/plain", new byte[0], 400,
                "SerializationException", null));
        c.add(serialization("broken JSON", "ListStreams", "{\"Limit\":", null));
        c.add(serialization("a JSON list", "ListStreams", "[]", "Start of structure or map expected."));
        c.add(serialization("an empty body", "ListStreams", "", null));
        c.add(new Case("broken CBOR", "Kinesis_20131202.ListStreams", "application/x-amz-cbor-1.1", new byte[] {(byte) 0xbf, 0x61},
                400, "SerializationException", null));
        c.add(new Case("a body over 8 MiB", "Kinesis_20131202.PutRecords", JSON, new byte[9 * 1024 * 1024], 413, null, null));
        return c;
    }

    private static String put(String members) {
        return "{\"StreamName\":\"" + STREAM + "\"," + members + "}";
    }

    private static String puts(String records) {
        return "{\"StreamName\":\"" + STREAM + "\",\"Records\":" + records + "}";
    }

    private static String iter(String members) {
        return put(members);
    }

    private static String stream(String members) {
        return members == null ? "{\"StreamName\":\"" + STREAM + "\"}" : put(members);
    }

    private static Case validation(String name, String op, String body, String message) {
        return error(name, op, body, 400, "ValidationException", message);
    }

    private static Case serialization(String name, String op, String body, String message) {
        return error(name, op, body, 400, "SerializationException", message);
    }

    private static Case error(String name, String op, String body, int status, String type, String message) {
        return new Case(name, "Kinesis_20131202." + op, JSON, body.getBytes(StandardCharsets.UTF_8), status, type, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedTheWayKinesisRefusesIt(Case c) throws Exception {
        Map<String, String> headers = new java.util.HashMap<>(Map.of("Content-Type", c.contentType()));
        if (c.target() != null) {
            headers.put("X-Amz-Target", c.target());
        }
        HttpRequest.Builder request = SignedRequests.post(RunnelServerExtension.server().endpoint(), headers, c.body(), "kinesis")
                .timeout(Duration.ofSeconds(30));
        HttpResponse<byte[]> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).as("HTTP status").isEqualTo(c.status());
        if (c.type() == null) {
            return;
        }
        String text = new String(response.body(), StandardCharsets.UTF_8);
        if (text.startsWith("<")) {
            // Before it knows the protocol, Kinesis answers in XML, with no content type.
            assertThat(response.headers().firstValue("Content-Type")).isEmpty();
            assertThat(text).startsWith("<" + c.type());
            if (c.message() == null) {
                assertThat(text).isEqualTo("<" + c.type() + "/>\n");
            } else {
                assertThat(text).isEqualTo("<" + c.type() + ">\n  <Message>" + c.message() + "</Message>\n</" + c.type() + ">\n");
            }
            return;
        }
        boolean cbor = response.headers().firstValue("Content-Type").orElse("").contains("cbor");
        JsonNode error = (cbor ? new ObjectMapper(new CBORFactory()) : MAPPER).readTree(response.body());
        assertThat(error.path("__type").asText()).as("exception type").isEqualTo(c.type());
        // Coral names the message "Message" in a SerializationException, "message" in every other; an unreadable body has none.
        String field = c.type().equals("SerializationException") ? "Message" : "message";
        assertThat(error.has(field.equals("Message") ? "message" : "Message")).as("the other spelling of the message").isFalse();
        if (c.message() == null) {
            assertThat(error.has(field)).as("a message, in %s", error).isFalse();
        } else {
            assertThat(error.path(field).asText()).as("message").contains(c.message());
        }
    }

    /** The JSON cases whose body is a JSON object, sent as CBOR: the SDK for Java's default wire format. */
    static List<Case> cborCases() throws Exception {
        List<Case> cbor = new ArrayList<>();
        ObjectMapper cborMapper = new ObjectMapper(new CBORFactory());
        for (Case c : cases()) {
            if (!JSON.equals(c.contentType()) || c.body().length == 0 || c.body().length > 1024 * 1024) {
                continue;
            }
            JsonNode body;
            try {
                body = MAPPER.readTree(c.body());
            } catch (java.io.IOException e) {
                continue; // broken JSON has no CBOR form
            }
            // A number where a timestamp goes means seconds in JSON and milliseconds in CBOR: not the same request.
            if (body != null && body.isObject() && !body.has("Timestamp") && !body.has("StreamCreationTimestamp")) {
                cbor.add(new Case(c.name() + " (CBOR)", c.target(), "application/x-amz-cbor-1.1", cborMapper.writeValueAsBytes(body),
                        c.status(), c.type(), c.message()));
            }
        }
        return cbor;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cborCases")
    void isRefusedAlikeInCbor(Case c) throws Exception {
        isRefusedTheWayKinesisRefusesIt(c);
    }

    @Test
    void survivesConnectionsThatBreakOffMidRequest() throws Exception {
        URI endpoint = RunnelServerExtension.server().endpoint();
        for (int i = 0; i < 20; i++) {
            try (Socket socket = new Socket(endpoint.getHost(), endpoint.getPort())) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + JSON
                        + "\r\nX-Amz-Target: Kinesis_20131202.PutRecord\r\nContent-Length: 1000\r\n\r\n{\"StreamName\":")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        }
        HttpResponse<String> ok = HTTP.send(SignedRequests.post(endpoint, Map.of("Content-Type", JSON, "X-Amz-Target",
                "Kinesis_20131202.ListStreams"), "{}".getBytes(StandardCharsets.UTF_8), "kinesis").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains(STREAM);
    }

    @Test
    void keepsServingAfterBadInput() throws Exception {
        assertThat(cases()).hasSizeGreaterThanOrEqualTo(60);
        for (Case c : cases()) {
            isRefusedTheWayKinesisRefusesIt(c);
        }
        HttpResponse<String> ok = HTTP.send(SignedRequests.post(RunnelServerExtension.server().endpoint(), Map.of("Content-Type", JSON,
                "X-Amz-Target", "Kinesis_20131202.DescribeStreamSummary"), ("{\"StreamName\":\"" + STREAM + "\"}")
                .getBytes(StandardCharsets.UTF_8), "kinesis").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("\"StreamStatus\":\"ACTIVE\"");
    }
}
