package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.core.MetadataLog;
import io.runnel.core.Shard;
import io.runnel.core.StreamMetadata;
import io.runnel.core.StreamStatus;
import io.runnel.server.RunnelConfig;
import io.runnel.server.api.ApiService;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.http.ApiException;
import io.runnel.server.http.WireFormat;
import io.runnel.server.streams.RecordWriter;
import io.runnel.server.streams.ShardReader;
import io.runnel.server.streams.Streams;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Map.entry;

/** The Kinesis Data Streams API ({@code Kinesis_20131202}): its operations and what they share. */
public final class Kinesis {

    public static final String SERVICE = "Kinesis_20131202";
    /** Runnel's own operations, beside Kinesis's: what Kinesis has no operation for. */
    public static final String RUNNEL_SERVICE = "Runnel_20261126";
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern ARN = Pattern.compile("arn:aws[^:]*:kinesis:([^:]*):(\\d{12}):stream/(.+)");

    private static final Map<String, KinesisAction> ACTIONS = Map.ofEntries(
            entry("AddTagsToStream", new AddTagsToStreamAction()),
            entry("CreateStream", new CreateStreamAction()),
            entry("DecreaseStreamRetentionPeriod", new DecreaseStreamRetentionPeriodAction()),
            entry("DeleteStream", new DeleteStreamAction()),
            entry("DescribeLimits", new DescribeLimitsAction()),
            entry("DescribeStream", new DescribeStreamAction()),
            entry("DescribeStreamSummary", new DescribeStreamSummaryAction()),
            entry("GetRecords", new GetRecordsAction()),
            entry("GetShardIterator", new GetShardIteratorAction()),
            entry("IncreaseStreamRetentionPeriod", new IncreaseStreamRetentionPeriodAction()),
            entry("ListShards", new ListShardsAction()),
            entry("ListStreams", new ListStreamsAction()),
            entry("ListTagsForStream", new ListTagsForStreamAction()),
            entry("MergeShards", new MergeShardsAction()),
            entry("PutRecord", new PutRecordAction()),
            entry("PutRecords", new PutRecordsAction()),
            entry("RemoveTagsFromStream", new RemoveTagsFromStreamAction()),
            entry("SplitShard", new SplitShardAction()),
            entry("UpdateShardCount", new UpdateShardCountAction()));

    private static final Map<String, KinesisAction> RUNNEL_ACTIONS = Map.of("PutStreamTable", new PutStreamTableAction());

    final RunnelConfig config;
    final Streams streams;
    final RecordWriter writer;
    final ShardReader reader;
    final ShardIterators iterators;

    /** Blocks until the shard iterators' key is in {@code metadata}, made now if no server has made it yet. */
    public Kinesis(RunnelConfig config, Streams streams, RecordWriter writer, ShardReader reader, MetadataLog metadata) {
        this.config = config;
        this.streams = streams;
        this.writer = writer;
        this.reader = reader;
        this.iterators = new ShardIterators(ShardIterators.keyIn(metadata));
    }

    /** The Kinesis API and Runnel's own stream operations, as services of the API port. */
    public List<ApiService> services() {
        return List.of(ApiService.of(SERVICE, ACTIONS, this), ApiService.of(RUNNEL_SERVICE, RUNNEL_ACTIONS, this));
    }

    static CompletableFuture<JsonNode> done(JsonNode response) {
        return CompletableFuture.completedFuture(response);
    }

    static ObjectNode object() {
        return NODES.objectNode();
    }

    /** The name of the stream a request names by StreamName, StreamARN or both. */
    String streamName(Request request) {
        String name = request.string("StreamName");
        String arn = request.string("StreamARN");
        if (arn == null) {
            if (name == null) {
                throw ApiException.validation("Either StreamName or StreamARN must be provided.");
            }
            return name;
        }
        Matcher m = ARN.matcher(arn);
        if (!m.matches()) {
            throw ApiException.invalidArgument("StreamARN " + arn + " is not a Kinesis stream ARN.");
        }
        String arnName = m.group(3);
        if (name != null && !name.equals(arnName)) {
            throw ApiException.invalidArgument("StreamARN " + arn + " and StreamName " + name + " name different streams.");
        }
        if (!m.group(1).equals(config.region) || !m.group(2).equals(config.accountId)) {
            throw ApiException.resourceNotFound("Stream " + arnName + " under account " + m.group(2) + " not found.");
        }
        return arnName;
    }

    ApiException streamNotFound(String name) {
        return ApiException.resourceNotFound("Stream " + name + " under account " + config.accountId + " not found.");
    }

    StreamMetadata require(String name) {
        return streams.find(name).orElseThrow(() -> streamNotFound(name));
    }

    StreamMetadata requireActive(String name) {
        StreamMetadata s = require(name);
        if (s.status() != StreamStatus.ACTIVE) {
            throw ApiException.resourceInUse("Stream " + name + " under account " + config.accountId
                    + " not ACTIVE, instead in state " + s.status());
        }
        return s;
    }

    /** A stream that accepts reads and writes: ACTIVE, or UPDATING while it reshards. */
    StreamMetadata requireReadable(String name) {
        return readable(name).orElseThrow(() -> streamNotFound(name));
    }

    Optional<StreamMetadata> readable(String name) {
        return streams.find(name).filter(s -> s.status() == StreamStatus.ACTIVE || s.status() == StreamStatus.UPDATING);
    }

    ApiException shardNotFound(String shardId, String stream) {
        return ApiException.resourceNotFound("Shard " + shardId + " in stream " + stream + " under account "
                + config.accountId + " does not exist");
    }

    ApiException notEligibleForResharding(String shardId, String stream) {
        return ApiException.resourceInUse("Shard " + shardId + " in stream " + stream + " under account "
                + config.accountId + " has already been merged or split, and thus is not eligible for merging or splitting.");
    }

    void checkShardLimit(int additionalShards) {
        int open = streams.openShardCount();
        if ((long) open + additionalShards > config.shardLimit) {
            throw ApiException.limitExceeded("This request would exceed the shard limit for the account "
                    + config.accountId + " in " + config.region + ". Current shard count for the account: " + open
                    + ". Limit: " + config.shardLimit + ". Number of additional shards that would have resulted from this request: "
                    + additionalShards + ".");
        }
    }

    static ObjectNode shardNode(Shard s) {
        ObjectNode n = object().put("ShardId", s.shardId());
        if (s.parentShardId() != null) {
            n.put("ParentShardId", s.parentShardId());
        }
        if (s.adjacentParentShardId() != null) {
            n.put("AdjacentParentShardId", s.adjacentParentShardId());
        }
        n.set("HashKeyRange", hashKeyRangeNode(s));
        ObjectNode seq = n.putObject("SequenceNumberRange").put("StartingSequenceNumber", s.startingSequenceNumber());
        if (s.ended()) {
            seq.put("EndingSequenceNumber", s.endingSequenceNumber());
        }
        return n;
    }

    static ObjectNode hashKeyRangeNode(Shard s) {
        return object().put("StartingHashKey", s.hashKeyRange().start().toString())
                .put("EndingHashKey", s.hashKeyRange().end().toString());
    }

    static ObjectNode modeNode(StreamMetadata s) {
        return object().put("StreamMode", s.mode().name());
    }

    static JsonNode timestamp(long epochMillis) {
        return WireFormat.timestamp(epochMillis);
    }

    String arn(StreamMetadata s) {
        return config.streamArn(s.name());
    }
}
