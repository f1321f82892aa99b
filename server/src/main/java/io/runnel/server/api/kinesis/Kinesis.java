package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import io.runnel.server.metrics.RunnelMetrics;
import io.runnel.server.streams.RecordWriter;
import io.runnel.server.streams.ShardReader;
import io.runnel.server.streams.StreamConsumers;
import io.runnel.server.streams.Streams;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.charset.StandardCharsets;
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
    private static final Pattern ARN = Pattern.compile("arn:aws[^:]*:kinesis:([^:]*):(\\d{12}):stream/([^/]+)");
    private static final Pattern CONSUMER_ARN = Pattern.compile(
            "arn:aws[^:]*:kinesis:([^:]*):(\\d{12}):stream/([a-zA-Z0-9_.-]+)/consumer/([a-zA-Z0-9_.-]+):(\\d{1,12})");
    /** How many consumers Kinesis lets a stream have. */
    static final int MAX_CONSUMERS = 20;

    private static final Map<String, KinesisAction> ACTIONS = Map.ofEntries(
            entry("AddTagsToStream", new AddTagsToStreamAction()),
            entry("CreateStream", new CreateStreamAction()),
            entry("DecreaseStreamRetentionPeriod", new DecreaseStreamRetentionPeriodAction()),
            entry("DeleteStream", new DeleteStreamAction()),
            entry("DeregisterStreamConsumer", new DeregisterStreamConsumerAction()),
            entry("DescribeLimits", new DescribeLimitsAction()),
            entry("DescribeStream", new DescribeStreamAction()),
            entry("DescribeStreamConsumer", new DescribeStreamConsumerAction()),
            entry("DescribeStreamSummary", new DescribeStreamSummaryAction()),
            entry("DisableEnhancedMonitoring", new DisableEnhancedMonitoringAction()),
            entry("EnableEnhancedMonitoring", new EnableEnhancedMonitoringAction()),
            entry("GetRecords", new GetRecordsAction()),
            entry("GetShardIterator", new GetShardIteratorAction()),
            entry("IncreaseStreamRetentionPeriod", new IncreaseStreamRetentionPeriodAction()),
            entry("ListShards", new ListShardsAction()),
            entry("ListStreamConsumers", new ListStreamConsumersAction()),
            entry("ListStreams", new ListStreamsAction()),
            entry("ListTagsForResource", new ListTagsForResourceAction()),
            entry("ListTagsForStream", new ListTagsForStreamAction()),
            entry("MergeShards", new MergeShardsAction()),
            entry("PutRecord", new PutRecordAction()),
            entry("PutRecords", new PutRecordsAction()),
            entry("RegisterStreamConsumer", new RegisterStreamConsumerAction()),
            entry("RemoveTagsFromStream", new RemoveTagsFromStreamAction()),
            entry("SplitShard", new SplitShardAction()),
            entry("SubscribeToShard", new SubscribeToShardAction()),
            entry("TagResource", new TagResourceAction()),
            entry("UntagResource", new UntagResourceAction()),
            entry("UpdateShardCount", new UpdateShardCountAction()),
            entry("UpdateStreamMode", new UpdateStreamModeAction()));

    private static final Map<String, KinesisAction> RUNNEL_ACTIONS = Map.of("PutStreamTable", new PutStreamTableAction());

    final RunnelConfig config;
    final Streams streams;
    final RecordWriter writer;
    final ShardReader reader;
    final ShardIterators iterators;
    final StreamConsumers consumers;
    final Subscriptions subscriptions;
    final RunnelMetrics metrics;

    /** Blocks until the shard iterators' key is in {@code metadata}, made now if no server has made it yet. */
    /** @param subscriptionReader the reader of SubscribeToShard's subscriptions, apart from GetRecords' reads */
    public Kinesis(RunnelConfig config, Streams streams, RecordWriter writer, ShardReader reader, ShardReader subscriptionReader,
                   MetadataLog metadata, RunnelMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
        this.streams = streams;
        this.writer = writer;
        this.reader = reader;
        this.iterators = new ShardIterators(ShardIterators.keyIn(metadata));
        this.consumers = new StreamConsumers(config, metadata);
        this.subscriptions = new Subscriptions(subscriptionReader, streams, metrics, stream -> consumers.of(stream).stream()
                .filter(c -> consumers.status(c, System.currentTimeMillis()).orElse(null) == StreamConsumers.Status.ACTIVE)
                .map(consumers::arn).toList());
        writer.onAppend(subscriptions::appended);
    }

    /** The Kinesis API and Runnel's own stream operations, as services of the API port. */
    public List<ApiService> services() {
        return List.of(ApiService.of(SERVICE, ACTIONS, this), ApiService.of(RUNNEL_SERVICE, RUNNEL_ACTIONS, this));
    }

    static CompletableFuture<JsonNode> done(JsonNode response) {
        return CompletableFuture.completedFuture(response);
    }

    /** DescribeStream's and DescribeStreamSummary's EnhancedMonitoring: one entry, the stream's shard-level metrics. */
    static ArrayNode enhancedMonitoringNode(StreamMetadata s) {
        ArrayNode monitoring = NODES.arrayNode();
        ArrayNode metrics = monitoring.addObject().putArray("ShardLevelMetrics");
        s.shardLevelMetrics().forEach(metrics::add);
        return monitoring;
    }

    static ObjectNode object() {
        return NODES.objectNode();
    }

    /** The answer of an operation whose output has no members: Kinesis sends an empty body, not an empty object. */
    static JsonNode noBody() {
        return Request.NO_BODY;
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
        String arnName = streamNameOf("StreamARN", arn);
        if (name != null && !name.equals(arnName)) {
            throw ApiException.invalidArgument("StreamARN " + arn + " and StreamName " + name + " name different streams.");
        }
        return arnName;
    }

    /** The name of the stream a stream ARN, given in the member {@code member}, names in this server's account and region. */
    String streamNameOf(String member, String arn) {
        Matcher m = ARN.matcher(arn);
        if (!m.matches()) {
            throw ApiException.invalidArgument(member + " " + arn + " is not a Kinesis stream ARN.");
        }
        if (!m.group(1).equals(config.region) || !m.group(2).equals(config.accountId)) {
            throw ApiException.resourceNotFound("Stream " + m.group(3) + " under account " + m.group(2) + " not found.");
        }
        return m.group(3);
    }

    /**
     * The consumer a request names by ConsumerARN, or by StreamARN and ConsumerName, with its stream; a consumer of a
     * stream that is gone, or of an earlier stream of the same name, is not found.
     */
    Consumer consumer(Request request) {
        String arn = request.string("ConsumerARN");
        String streamArn = request.string("StreamARN");
        String name = request.string("ConsumerName");
        if (arn == null && (streamArn == null || name == null)) {
            throw ApiException.invalidArgument("Either ConsumerARN or both ConsumerName and StreamARN must be provided.");
        }
        String streamName;
        Long createdSeconds = null;
        if (arn != null) {
            Matcher m = CONSUMER_ARN.matcher(arn);
            if (!m.matches()) {
                throw ApiException.invalidArgument("ConsumerARN " + arn + " is not a Kinesis stream consumer ARN.");
            }
            if (!m.group(1).equals(config.region) || !m.group(2).equals(config.accountId)) {
                throw ApiException.resourceNotFound("Consumer " + arn + " not found.");
            }
            streamName = m.group(3);
            name = m.group(4);
            createdSeconds = Long.parseLong(m.group(5));
        } else {
            streamName = streamName(request);
        }
        StreamMetadata stream = streams.find(streamName).orElse(null);
        String consumerName = name;
        Long seconds = createdSeconds;
        StreamConsumers.Consumer consumer = stream == null ? null : consumers.find(stream, consumerName)
                .filter(c -> seconds == null || c.createdAt() / 1000 == seconds).orElse(null);
        if (consumer == null) {
            throw ApiException.resourceNotFound("Consumer " + (arn != null ? arn : consumerName) + " under stream "
                    + config.streamArn(streamName) + " not found.");
        }
        return new Consumer(stream, consumer);
    }

    record Consumer(StreamMetadata stream, StreamConsumers.Consumer consumer) {
    }

    ObjectNode consumerNode(StreamConsumers.Consumer c) {
        ObjectNode n = object().put("ConsumerName", c.name()).put("ConsumerARN", consumers.arn(c))
                .put("ConsumerStatus", consumers.status(c, System.currentTimeMillis()).orElse(StreamConsumers.Status.DELETING).name());
        n.set("ConsumerCreationTimestamp", timestamp(c.createdAt()));
        return n;
    }

    /** Refuses a starting timestamp later than now, as Kinesis does. */
    static void requireNotInTheFuture(long atMillis, long nowMillis) {
        if (atMillis > nowMillis) {
            throw ApiException.invalidArgument("The timestampInMillis parameter cannot be greater than the "
                    + "currentTimestampInMillis. timestampInMillis: " + atMillis + ", currentTimestampInMillis: " + nowMillis);
        }
    }

    /** A NextToken that resumes a list of names after this one. */
    static String nameToken(String name) {
        return java.util.Base64.getEncoder().encodeToString(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The name a {@link #nameToken} resumes after. */
    static String nameAfter(String token) {
        try {
            String name = new String(java.util.Base64.getDecoder().decode(token), java.nio.charset.StandardCharsets.UTF_8);
            if (name.matches(Members.NAME_PATTERN)) {
                return name;
            }
        } catch (IllegalArgumentException e) {
            // falls through to the error below
        }
        throw ApiException.invalidArgument("Invalid NextToken.");
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
                    + additionalShards + ". Refer to the AWS Service Limits page (http://docs.aws.amazon.com/general/latest/gr/"
                    + "aws_service_limits.html) for current limits and how to request higher limits.");
        }
    }

    void checkOnDemandStreamLimit() {
        if (streams.all().stream().filter(s -> s.mode() == StreamMetadata.StreamMode.ON_DEMAND).count() >= config.onDemandStreamLimit) {
            throw ApiException.limitExceeded("This request would exceed the limit of " + config.onDemandStreamLimit
                    + " on-demand streams for the account " + config.accountId + " in " + config.region + ".");
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

    /** A record as GetRecords and SubscribeToShard give it. */
    static ObjectNode recordNode(Shard shard, ConsumerRecord<byte[], byte[]> r) {
        ObjectNode n = object().put("SequenceNumber", shard.sequenceNumber(r.offset(), r.timestamp()));
        n.set("ApproximateArrivalTimestamp", timestamp(r.timestamp()));
        n.put("Data", r.value() == null ? new byte[0] : r.value());
        n.put("PartitionKey", r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8));
        return n;
    }

    /** How far behind its shard's newest record a read ended: 0 once it reached the end. */
    static long millisBehindLatest(ShardReader.Batch batch) {
        if (batch.nextOffset() >= batch.latestOffset() || batch.records().isEmpty()) {
            return 0;
        }
        return Math.max(0, System.currentTimeMillis() - batch.records().get(batch.records().size() - 1).timestamp());
    }

    /** The shards that follow an ended one, as a read that reaches its end tells them. */
    static ArrayNode childShardsNode(StreamMetadata stream, Shard shard) {
        ArrayNode children = NODES.arrayNode();
        for (Shard child : stream.childrenOf(shard.shardId())) {
            ObjectNode c = children.addObject().put("ShardId", child.shardId());
            ArrayNode parents = c.putArray("ParentShards").add(child.parentShardId());
            if (child.adjacentParentShardId() != null) {
                parents.add(child.adjacentParentShardId());
            }
            c.set("HashKeyRange", hashKeyRangeNode(child));
        }
        return children;
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
