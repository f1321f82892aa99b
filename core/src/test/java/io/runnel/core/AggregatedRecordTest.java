package io.runnel.core;

import io.runnel.core.testing.KplRecords;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AggregatedRecordTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsTheUserRecordsInOrderWithTheirKeys() throws Exception {
        byte[] aggregated = KplRecords.aggregate(List.of(
                new KplRecords.User("alice", null, utf8("one")),
                new KplRecords.User("bob", "170141183460469231731687303715884105728", utf8("two")),
                new KplRecords.User("alice", null, new byte[0])));
        List<AggregatedRecord.UserRecord> users = AggregatedRecord.deaggregate(aggregated);
        assertThat(users).extracting(AggregatedRecord.UserRecord::partitionKey).containsExactly("alice", "bob", "alice");
        assertThat(users).extracting(AggregatedRecord.UserRecord::explicitHashKey)
                .containsExactly(null, "170141183460469231731687303715884105728", null);
        assertThat(users).extracting(u -> new String(u.data(), StandardCharsets.UTF_8)).containsExactly("one", "two", "");
    }

    @Test
    void aRecordThatIsNotAggregatedIsNotTakenForOne() throws Exception {
        assertThat(AggregatedRecord.deaggregate(utf8("plain data"))).isNull();
        assertThat(AggregatedRecord.deaggregate(new byte[0])).isNull();
        assertThat(AggregatedRecord.deaggregate(null)).isNull();
        byte[] aggregated = KplRecords.aggregate(List.of(new KplRecords.User("k", null, utf8("v"))));
        byte[] badDigest = aggregated.clone();
        badDigest[badDigest.length - 1] ^= 1;
        assertThat(AggregatedRecord.deaggregate(badDigest)).isNull();
        // Cut short, with a digest that matches what is left: the protobuf itself no longer parses.
        byte[] protobuf = Arrays.copyOfRange(aggregated, 4, aggregated.length - 16);
        assertThat(AggregatedRecord.deaggregate(KplRecords.wrap(Arrays.copyOf(protobuf, protobuf.length - 2)))).isNull();
        // A record that points past the partition key table.
        assertThat(AggregatedRecord.deaggregate(KplRecords.wrap(new byte[] {10, 1, 'k', 26, 5, 8, 3, 26, 1, 'v'}))).isNull();
        // A length beyond the message.
        assertThat(AggregatedRecord.deaggregate(KplRecords.wrap(new byte[] {10, 127, 'k'}))).isNull();
    }
}
