package io.runnel.server.api.kinesis;

import io.runnel.core.SequenceNumber;
import io.runnel.server.testing.Clients;
import io.runnel.server.testing.RunnelServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Sequence numbers as Kinesis gives them, and as Runnel gave them before, both lead back to their records. */
@ExtendWith(RunnelServerExtension.class)
class SequenceNumbersTest {

    private static final String STREAM = "sequence-numbers";

    @Test
    void lookLikeKinesissIncreaseStrictlyAndStartReadsWhereTheyPoint() {
        try (KinesisClient kinesis = Clients.sync(RunnelServerExtension.server().endpoint(), true)) {
            kinesis.createStream(b -> b.streamName(STREAM).shardCount(1));
            Clients.awaitActive(kinesis, STREAM);
            List<String> put = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                int n = i;
                put.add(kinesis.putRecord(b -> b.streamName(STREAM).partitionKey("k").data(SdkBytes.fromUtf8String("r" + n)))
                        .sequenceNumber());
            }
            assertThat(put).allMatch(s -> s.matches("[1-9]\\d{55}"));
            for (int i = 1; i < put.size(); i++) {
                assertThat(new BigInteger(put.get(i))).isGreaterThan(new BigInteger(put.get(i - 1)));
            }
            Shard shard = kinesis.listShards(b -> b.streamName(STREAM)).shards().get(0);
            String start = shard.sequenceNumberRange().startingSequenceNumber();
            assertThat(start).matches("[1-9]\\d{55}");
            assertThat(new BigInteger(start)).isLessThan(new BigInteger(put.get(0)));

            assertThat(read(kinesis, ShardIteratorType.AFTER_SEQUENCE_NUMBER, start)).first().isEqualTo("r0");
            assertThat(read(kinesis, ShardIteratorType.AT_SEQUENCE_NUMBER, put.get(2))).first().isEqualTo("r2");
            assertThat(read(kinesis, ShardIteratorType.AFTER_SEQUENCE_NUMBER, put.get(2))).first().isEqualTo("r3");
            List<Record> records = kinesis.getRecords(b -> b.shardIterator(iterator(kinesis, ShardIteratorType.TRIM_HORIZON, null)))
                    .records();
            assertThat(records).extracting(Record::sequenceNumber).isEqualTo(put);

            String older = SequenceNumber.compact(0, 3);
            assertThat(read(kinesis, ShardIteratorType.AT_SEQUENCE_NUMBER, older)).first().isEqualTo("r3");
            assertThat(read(kinesis, ShardIteratorType.AFTER_SEQUENCE_NUMBER, older)).first().isEqualTo("r4");
        }
    }

    private static List<String> read(KinesisClient kinesis, ShardIteratorType type, String sequenceNumber) {
        return kinesis.getRecords(b -> b.shardIterator(iterator(kinesis, type, sequenceNumber))).records().stream()
                .map(r -> r.data().asUtf8String()).toList();
    }

    private static String iterator(KinesisClient kinesis, ShardIteratorType type, String sequenceNumber) {
        return kinesis.getShardIterator(b -> b.streamName(STREAM).shardId("shardId-000000000000").shardIteratorType(type)
                .startingSequenceNumber(sequenceNumber)).shardIterator();
    }
}
