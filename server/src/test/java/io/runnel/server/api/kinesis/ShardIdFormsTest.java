package io.runnel.server.api.kinesis;

import io.runnel.server.testing.Clients;
import io.runnel.server.testing.RunnelServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardFilterType;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.math.BigInteger;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Shard ids in every form Kinesis accepts (shardId-000000000001, shardId-1, 1), wherever a request names a shard. */
@ExtendWith(RunnelServerExtension.class)
class ShardIdFormsTest {

    @Test
    void shardIdsAreReadByTheirTrailingDigits() {
        String stream = "shard-id-forms";
        try (KinesisClient kinesis = Clients.sync(RunnelServerExtension.server().endpoint(), true)) {
            kinesis.createStream(b -> b.streamName(stream).shardCount(3));
            Clients.awaitActive(kinesis, stream);
            kinesis.putRecord(b -> b.streamName(stream).partitionKey("k").explicitHashKey(BigInteger.TWO.pow(127).toString())
                    .data(SdkBytes.fromUtf8String("in shard 1")));

            for (String id : List.of("shardId-000000000001", "shardId-1", "1")) {
                String iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId(id)
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
                assertThat(kinesis.getRecords(b -> b.shardIterator(iterator)).records()).as(id)
                        .extracting(r -> r.data().asUtf8String()).containsExactly("in shard 1");
            }
            assertThat(kinesis.listShards(b -> b.streamName(stream).exclusiveStartShardId("shardId-0")).shards())
                    .extracting(Shard::shardId).containsExactly("shardId-000000000001", "shardId-000000000002");
            assertThat(kinesis.listShards(b -> b.streamName(stream).shardFilter(f -> f.type(ShardFilterType.AFTER_SHARD_ID)
                    .shardId("1"))).shards()).extracting(Shard::shardId).containsExactly("shardId-000000000002");

            kinesis.splitShard(b -> b.streamName(stream).shardToSplit("shardId-1").newStartingHashKey(BigInteger.TWO.pow(127).add(BigInteger.TEN).toString()));
            Clients.awaitActive(kinesis, stream);
            kinesis.mergeShards(b -> b.streamName(stream).shardToMerge("3").adjacentShardToMerge("shardId-4"));
            Clients.awaitActive(kinesis, stream);
            assertThat(kinesis.listShards(b -> b.streamName(stream)).shards()).filteredOn(s -> s.shardId().equals("shardId-000000000005"))
                    .singleElement().satisfies(s -> {
                        assertThat(s.parentShardId()).isEqualTo("shardId-000000000003");
                        assertThat(s.adjacentParentShardId()).isEqualTo("shardId-000000000004");
                    });
        }
    }
}
