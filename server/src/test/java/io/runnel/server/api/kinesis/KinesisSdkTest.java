package io.runnel.server.api.kinesis;

import io.runnel.core.HashKey;
import io.runnel.server.testing.Clients;
import io.runnel.server.testing.RunnelServerExtension;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.*;
import software.amazon.awssdk.services.kinesis.model.Record;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The AWS SDK for Java v2 drives every Data Streams operation, in CBOR, in JSON and asynchronously. */
@ExtendWith(RunnelServerExtension.class)
class KinesisSdkTest {

    @ParameterizedTest
    @EnumSource(Clients.Mode.class)
    void everyOperationWorksThroughTheSdk(Clients.Mode mode) throws Exception {
        String previous = System.getProperty("aws.cborEnabled");
        if (mode == Clients.Mode.SYNC_JSON) {
            System.setProperty("aws.cborEnabled", "false");
        }
        try (KinesisClient kinesis = Clients.of(mode, RunnelServerExtension.server().endpoint())) {
            new Scenario(kinesis, "sdk-" + mode.name().toLowerCase().replace('_', '-')).run();
        } finally {
            if (previous == null) {
                System.clearProperty("aws.cborEnabled");
            } else {
                System.setProperty("aws.cborEnabled", previous);
            }
        }
    }

    private record Scenario(KinesisClient kinesis, String prefix) {

        void run() {
            String name = prefix + "-orders";
            kinesis.createStream(b -> b.streamName(name).shardCount(2));
            assertThat(kinesis.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary().streamStatus())
                    .isIn(StreamStatus.CREATING, StreamStatus.ACTIVE);
            awaitActive(name);
            assertThatThrownBy(() -> kinesis.createStream(b -> b.streamName(name).shardCount(1)))
                    .isInstanceOf(ResourceInUseException.class).hasMessageContaining("already exists");

            String onDemand = prefix + "-clicks";
            kinesis.createStream(b -> b.streamName(onDemand).streamModeDetails(m -> m.streamMode(StreamMode.ON_DEMAND)));
            awaitActive(onDemand);
            StreamDescriptionSummary summary = kinesis.describeStreamSummary(b -> b.streamName(onDemand)).streamDescriptionSummary();
            assertThat(summary.streamModeDetails().streamMode()).isEqualTo(StreamMode.ON_DEMAND);
            assertThat(summary.openShardCount()).isEqualTo(4);
            assertThat(summary.streamCreationTimestamp()).isBetween(Instant.now().minusSeconds(60), Instant.now());
            assertThat(summary.streamARN()).isEqualTo("arn:aws:kinesis:us-east-1:000000000000:stream/" + onDemand);

            listsStreamsPageByPage(name, onDemand);
            describesShardsPageByPage(name);
            Map<String, List<Record>> written = putsAndGetsRecords(name);
            readsFromEveryIteratorType(name, written);
            listsShardsWithEveryFilter(name);
            reshards(name);
            changesRetention(name);
            tags(name);
            addressesStreamsByArn(onDemand);

            DescribeLimitsResponse limits = kinesis.describeLimits(b -> {});
            assertThat(limits.shardLimit()).isEqualTo(500);
            assertThat(limits.openShardCount()).isGreaterThanOrEqualTo(4);
            assertThat(limits.onDemandStreamCount()).isGreaterThanOrEqualTo(1);

            kinesis.deleteStream(b -> b.streamName(onDemand));
            kinesis.deleteStream(b -> b.streamName(name));
            await("streams deleted", () -> kinesis.listStreams(b -> {}).streamNames().stream()
                    .noneMatch(n -> n.equals(name) || n.equals(onDemand)));
            assertThatThrownBy(() -> kinesis.describeStream(b -> b.streamName(name)))
                    .isInstanceOf(ResourceNotFoundException.class)
                    .hasMessageContaining("Stream " + name + " under account 000000000000 not found.");
        }

        void listsStreamsPageByPage(String first, String second) {
            ListStreamsResponse all = kinesis.listStreams(b -> b.exclusiveStartStreamName(prefix));
            assertThat(all.streamNames()).contains(second, first);
            assertThat(all.streamSummaries()).extracting(StreamSummary::streamName).contains(first, second);
            ListStreamsResponse page = kinesis.listStreams(b -> b.limit(1).exclusiveStartStreamName(prefix));
            assertThat(page.streamNames()).containsExactly(second); // "-clicks" sorts before "-orders"
            assertThat(page.hasMoreStreams()).isTrue();
            ListStreamsResponse next = kinesis.listStreams(b -> b.limit(1).nextToken(page.nextToken()));
            assertThat(next.streamNames()).containsExactly(first);
        }

        void describesShardsPageByPage(String name) {
            StreamDescription page = kinesis.describeStream(b -> b.streamName(name).limit(1)).streamDescription();
            assertThat(page.shards()).extracting(Shard::shardId).containsExactly("shardId-000000000000");
            assertThat(page.hasMoreShards()).isTrue();
            assertThat(page.retentionPeriodHours()).isEqualTo(24);
            StreamDescription rest = kinesis.describeStream(b -> b.streamName(name)
                    .exclusiveStartShardId("shardId-000000000000")).streamDescription();
            assertThat(rest.shards()).extracting(Shard::shardId).containsExactly("shardId-000000000001");
            assertThat(rest.hasMoreShards()).isFalse();
            Shard last = rest.shards().get(0);
            assertThat(last.hashKeyRange().endingHashKey()).isEqualTo(BigInteger.TWO.pow(128).subtract(BigInteger.ONE).toString());
        }

        /** Puts 501 records and reads them back; returns them per shard, in the order they were written. */
        Map<String, List<Record>> putsAndGetsRecords(String name) {
            List<Shard> shards = kinesis.listShards(b -> b.streamName(name)).shards();
            Map<String, List<Record>> expected = new HashMap<>();
            shards.forEach(s -> expected.put(s.shardId(), new ArrayList<>()));

            PutRecordResponse one = kinesis.putRecord(b -> b.streamName(name).partitionKey("first")
                    .explicitHashKey(shards.get(1).hashKeyRange().startingHashKey())
                    .data(SdkBytes.fromUtf8String("record-first")));
            assertThat(one.shardId()).isEqualTo("shardId-000000000001");
            expected.get(one.shardId()).add(record("first", "record-first", one.sequenceNumber()));

            List<PutRecordsRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                entries.add(PutRecordsRequestEntry.builder().partitionKey("key-" + i)
                        .data(SdkBytes.fromUtf8String("record-" + i)).build());
            }
            PutRecordsResponse many = kinesis.putRecords(b -> b.streamName(name).records(entries));
            assertThat(many.failedRecordCount()).isZero();
            assertThat(many.records()).hasSize(500);
            for (int i = 0; i < 500; i++) {
                PutRecordsResultEntry result = many.records().get(i);
                BigInteger hash = HashKey.ofPartitionKey("key-" + i);
                Shard owner = shards.stream().filter(s -> new BigInteger(s.hashKeyRange().startingHashKey()).compareTo(hash) <= 0
                        && new BigInteger(s.hashKeyRange().endingHashKey()).compareTo(hash) >= 0).findFirst().orElseThrow();
                assertThat(result.shardId()).as("shard of key-%d", i).isEqualTo(owner.shardId());
                expected.get(result.shardId()).add(record("key-" + i, "record-" + i, result.sequenceNumber()));
            }

            Instant before = Instant.now().minusSeconds(60);
            for (Shard shard : shards) {
                String iterator = kinesis.getShardIterator(b -> b.streamName(name).shardId(shard.shardId())
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
                List<Record> read = readAll(iterator, expected.get(shard.shardId()).size());
                assertThat(read).extracting(Record::sequenceNumber)
                        .containsExactlyElementsOf(expected.get(shard.shardId()).stream().map(Record::sequenceNumber).toList());
                assertThat(read).extracting(r -> r.data().asUtf8String())
                        .containsExactlyElementsOf(expected.get(shard.shardId()).stream().map(r -> r.data().asUtf8String()).toList());
                assertThat(read).extracting(Record::partitionKey)
                        .containsExactlyElementsOf(expected.get(shard.shardId()).stream().map(Record::partitionKey).toList());
                assertThat(read).allSatisfy(r -> assertThat(r.approximateArrivalTimestamp()).isBetween(before, Instant.now()));
            }
            return expected;
        }

        void readsFromEveryIteratorType(String name, Map<String, List<Record>> written) {
            List<Record> shard0 = written.get("shardId-000000000000");
            Record third = shard0.get(2);
            String at = kinesis.getShardIterator(b -> b.streamName(name).shardId("shardId-000000000000")
                    .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER).startingSequenceNumber(third.sequenceNumber())).shardIterator();
            GetRecordsResponse fromThird = kinesis.getRecords(b -> b.shardIterator(at).limit(2));
            assertThat(fromThird.records()).extracting(Record::sequenceNumber)
                    .containsExactly(third.sequenceNumber(), shard0.get(3).sequenceNumber());
            assertThat(fromThird.millisBehindLatest()).isGreaterThanOrEqualTo(0L);

            String after = kinesis.getShardIterator(b -> b.streamName(name).shardId("shardId-000000000000")
                    .shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).startingSequenceNumber(third.sequenceNumber())).shardIterator();
            assertThat(kinesis.getRecords(b -> b.shardIterator(after).limit(1)).records())
                    .extracting(Record::sequenceNumber).containsExactly(shard0.get(3).sequenceNumber());

            String latest = kinesis.getShardIterator(b -> b.streamName(name).shardId("shardId-000000000000")
                    .shardIteratorType(ShardIteratorType.LATEST)).shardIterator();
            GetRecordsResponse none = kinesis.getRecords(b -> b.shardIterator(latest));
            assertThat(none.records()).isEmpty();
            assertThat(none.millisBehindLatest()).isZero();
            Instant beforePut = Instant.now();
            PutRecordResponse fresh = kinesis.putRecord(b -> b.streamName(name).partitionKey("late")
                    .explicitHashKey("0").data(SdkBytes.fromUtf8String("late"))
                    .sequenceNumberForOrdering(shard0.get(shard0.size() - 1).sequenceNumber()));
            assertThat(new BigInteger(fresh.sequenceNumber())).isGreaterThan(new BigInteger(shard0.get(shard0.size() - 1).sequenceNumber()));
            assertThat(readAll(none.nextShardIterator(), 1)).extracting(r -> r.data().asUtf8String()).containsExactly("late");

            String byTime = kinesis.getShardIterator(b -> b.streamName(name).shardId("shardId-000000000000")
                    .shardIteratorType(ShardIteratorType.AT_TIMESTAMP).timestamp(beforePut.minusMillis(5))).shardIterator();
            assertThat(readAll(byTime, 1)).extracting(Record::sequenceNumber).containsExactly(fresh.sequenceNumber());
        }

        void listsShardsWithEveryFilter(String name) {
            ListShardsResponse first = kinesis.listShards(b -> b.streamName(name).maxResults(1));
            assertThat(first.shards()).extracting(Shard::shardId).containsExactly("shardId-000000000000");
            ListShardsResponse second = kinesis.listShards(b -> b.nextToken(first.nextToken()).maxResults(1));
            assertThat(second.shards()).extracting(Shard::shardId).containsExactly("shardId-000000000001");
            assertThat(second.nextToken()).isNull();
            Instant now = Instant.now();
            for (ShardFilterType type : List.of(ShardFilterType.AT_TRIM_HORIZON, ShardFilterType.FROM_TRIM_HORIZON,
                    ShardFilterType.AT_LATEST, ShardFilterType.AT_TIMESTAMP, ShardFilterType.FROM_TIMESTAMP)) {
                assertThat(kinesis.listShards(b -> b.streamName(name).shardFilter(f -> f.type(type).timestamp(now))).shards())
                        .as("shards for filter %s", type).hasSize(2);
            }
            assertThat(kinesis.listShards(b -> b.streamName(name).shardFilter(f -> f.type(ShardFilterType.AFTER_SHARD_ID)
                    .shardId("shardId-000000000000"))).shards()).extracting(Shard::shardId).containsExactly("shardId-000000000001");
        }

        void reshards(String name) {
            Shard parent = kinesis.listShards(b -> b.streamName(name)).shards().get(0);
            BigInteger middle = new BigInteger(parent.hashKeyRange().endingHashKey()).shiftRight(1);
            kinesis.splitShard(b -> b.streamName(name).shardToSplit(parent.shardId()).newStartingHashKey(middle.toString()));
            assertThatThrownBy(() -> kinesis.splitShard(b -> b.streamName(name).shardToSplit(parent.shardId())
                    .newStartingHashKey(middle.toString()))).isInstanceOf(ResourceInUseException.class);
            awaitActive(name);
            assertThatThrownBy(() -> kinesis.splitShard(b -> b.streamName(name).shardToSplit(parent.shardId())
                    .newStartingHashKey(middle.toString())))
                    .isInstanceOf(ResourceInUseException.class).hasMessageContaining("has already been merged or split");

            List<Shard> shards = kinesis.listShards(b -> b.streamName(name)).shards();
            assertThat(shards).extracting(Shard::shardId).containsExactly("shardId-000000000000", "shardId-000000000001",
                    "shardId-000000000002", "shardId-000000000003");
            assertThat(shards.get(0).sequenceNumberRange().endingSequenceNumber()).isNotNull();
            assertThat(shards.get(2).parentShardId()).isEqualTo(parent.shardId());
            assertThat(shards.get(3).hashKeyRange().startingHashKey()).isEqualTo(middle.toString());
            assertThat(kinesis.listShards(b -> b.streamName(name).shardFilter(f -> f.type(ShardFilterType.AT_LATEST))).shards())
                    .extracting(Shard::shardId).containsExactly("shardId-000000000001", "shardId-000000000002", "shardId-000000000003");

            // The closed parent ends with its children and no next iterator.
            String it = kinesis.getShardIterator(b -> b.streamName(name).shardId(parent.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            GetRecordsResponse end = null;
            for (int i = 0; i < 20 && it != null; i++) {
                String current = it;
                end = kinesis.getRecords(b -> b.shardIterator(current));
                it = end.nextShardIterator();
            }
            assertThat(it).isNull();
            assertThat(end.childShards()).extracting(ChildShard::shardId).containsExactly("shardId-000000000002", "shardId-000000000003");
            assertThat(end.childShards().get(0).parentShards()).containsExactly(parent.shardId());

            kinesis.mergeShards(b -> b.streamName(name).shardToMerge("shardId-000000000002").adjacentShardToMerge("shardId-000000000003"));
            awaitActive(name);
            Shard merged = kinesis.listShards(b -> b.streamName(name).shardFilter(f -> f.type(ShardFilterType.AT_LATEST))).shards()
                    .stream().filter(s -> s.shardId().equals("shardId-000000000004")).findFirst().orElseThrow();
            assertThat(merged.parentShardId()).isEqualTo("shardId-000000000002");
            assertThat(merged.adjacentParentShardId()).isEqualTo("shardId-000000000003");
            assertThat(merged.hashKeyRange().startingHashKey()).isEqualTo("0");

            UpdateShardCountResponse scaled = kinesis.updateShardCount(b -> b.streamName(name).targetShardCount(3)
                    .scalingType(ScalingType.UNIFORM_SCALING));
            assertThat(scaled.currentShardCount()).isEqualTo(2);
            assertThat(scaled.targetShardCount()).isEqualTo(3);
            awaitActive(name);
            List<Shard> open = kinesis.listShards(b -> b.streamName(name).shardFilter(f -> f.type(ShardFilterType.AT_LATEST))).shards();
            assertThat(open).hasSize(3);
            BigInteger covered = BigInteger.ZERO;
            for (Shard s : open.stream().sorted((a, b) -> new BigInteger(a.hashKeyRange().startingHashKey())
                    .compareTo(new BigInteger(b.hashKeyRange().startingHashKey()))).toList()) {
                assertThat(s.hashKeyRange().startingHashKey()).isEqualTo(covered.toString());
                covered = new BigInteger(s.hashKeyRange().endingHashKey()).add(BigInteger.ONE);
            }
            assertThat(covered).isEqualTo(BigInteger.TWO.pow(128));
            PutRecordResponse afterScaling = kinesis.putRecord(b -> b.streamName(name).partitionKey("k").data(SdkBytes.fromUtf8String("x")));
            assertThat(open).extracting(Shard::shardId).contains(afterScaling.shardId());
        }

        void changesRetention(String name) {
            kinesis.increaseStreamRetentionPeriod(b -> b.streamName(name).retentionPeriodHours(48));
            assertThat(kinesis.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary().retentionPeriodHours()).isEqualTo(48);
            assertThatThrownBy(() -> kinesis.increaseStreamRetentionPeriod(b -> b.streamName(name).retentionPeriodHours(30)))
                    .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("can not be shorter than existing retention period");
            kinesis.decreaseStreamRetentionPeriod(b -> b.streamName(name).retentionPeriodHours(24));
            assertThat(kinesis.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary().retentionPeriodHours()).isEqualTo(24);
            assertThatThrownBy(() -> kinesis.decreaseStreamRetentionPeriod(b -> b.streamName(name).retentionPeriodHours(23)))
                    .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("Minimum allowed retention period is 24 hours");
        }

        void tags(String name) {
            kinesis.addTagsToStream(b -> b.streamName(name).tags(Map.of("team", "checkout", "env", "test", "tier", "gold")));
            ListTagsForStreamResponse tags = kinesis.listTagsForStream(b -> b.streamName(name).limit(2));
            assertThat(tags.tags()).extracting(Tag::key).containsExactly("env", "team");
            assertThat(tags.hasMoreTags()).isTrue();
            kinesis.removeTagsFromStream(b -> b.streamName(name).tagKeys("env", "tier"));
            assertThat(kinesis.listTagsForStream(b -> b.streamName(name)).tags())
                    .containsExactly(Tag.builder().key("team").value("checkout").build());
        }

        void addressesStreamsByArn(String name) {
            String arn = "arn:aws:kinesis:us-east-1:000000000000:stream/" + name;
            assertThat(kinesis.describeStreamSummary(b -> b.streamARN(arn)).streamDescriptionSummary().streamName()).isEqualTo(name);
            PutRecordResponse put = kinesis.putRecord(b -> b.streamARN(arn).partitionKey("p").data(SdkBytes.fromUtf8String("by-arn")));
            String it = kinesis.getShardIterator(b -> b.streamARN(arn).shardId(put.shardId())
                    .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER).startingSequenceNumber(put.sequenceNumber())).shardIterator();
            assertThat(kinesis.getRecords(b -> b.streamARN(arn).shardIterator(it).limit(1)).records())
                    .extracting(r -> r.data().asUtf8String()).containsExactly("by-arn");
            assertThat(kinesis.listShards(b -> b.streamARN(arn)).shards()).hasSize(4);
        }

        List<Record> readAll(String iterator, int count) {
            List<Record> out = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            String it = iterator;
            while (out.size() < count && it != null && System.nanoTime() < deadline) {
                String current = it;
                GetRecordsResponse r = kinesis.getRecords(b -> b.shardIterator(current));
                out.addAll(r.records());
                it = r.nextShardIterator();
            }
            assertThat(out).hasSize(count);
            return out;
        }

        void awaitActive(String name) {
            await(name + " ACTIVE", () -> kinesis.describeStreamSummary(b -> b.streamName(name))
                    .streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
        }

        static Record record(String key, String data, String sequenceNumber) {
            return Record.builder().partitionKey(key).data(SdkBytes.fromString(data, StandardCharsets.UTF_8))
                    .sequenceNumber(sequenceNumber).build();
        }
    }

    static void await(String what, BooleanSupplier condition) {
        Awaitility.await(what).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(condition::getAsBoolean);
    }
}
