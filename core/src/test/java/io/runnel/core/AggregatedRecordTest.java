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
    void anAggregateLandingOnOneChildKeepsTheUserRecordsThatChildHolds() throws Exception {
        // Two children of a split at 2^127; the KPL, not knowing them yet, aggregated for the parent.
        HashKeyRange lower = new HashKeyRange(java.math.BigInteger.ZERO, java.math.BigInteger.ONE.shiftLeft(127).subtract(java.math.BigInteger.ONE));
        List<KplRecords.User> users = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            users.add(new KplRecords.User("key-" + i, null, utf8("record " + i)));
        }
        users.add(new KplRecords.User("explicit", "5", utf8("low by its explicit hash key")));
        byte[] aggregated = KplRecords.aggregate(users);
        byte[] own = AggregatedRecord.within(aggregated, lower, HashKeyRange.ALL);
        List<AggregatedRecord.UserRecord> kept = AggregatedRecord.deaggregate(own);
        List<String> expected = users.stream().filter(u -> lower.contains(u.explicitHashKey() != null
                        ? new java.math.BigInteger(u.explicitHashKey()) : HashKey.ofPartitionKey(u.partitionKey())))
                .map(u -> new String(u.data(), StandardCharsets.UTF_8)).toList();
        assertThat(expected).hasSizeBetween(2, 40);
        assertThat(kept).extracting(u -> new String(u.data(), StandardCharsets.UTF_8)).containsExactlyElementsOf(expected);
        assertThat(kept.get(kept.size() - 1).explicitHashKey()).isEqualTo("5");

        // An aggregate all of whose user records the shard holds, or no aggregate at all, is kept as sent; so is one
        // whose user records were not all the parent's, which no KPL aggregating for that parent made.
        assertThat(AggregatedRecord.within(aggregated, HashKeyRange.ALL, HashKeyRange.ALL)).isNull();
        assertThat(AggregatedRecord.within(utf8("plain data"), lower, HashKeyRange.ALL)).isNull();
        HashKeyRange lowerQuarter = new HashKeyRange(java.math.BigInteger.ZERO, java.math.BigInteger.ONE.shiftLeft(126));
        assertThat(AggregatedRecord.within(aggregated, lowerQuarter, lower)).isNull();
    }

    @Test
    void aggregatesMadeHereReadAsTheKplsDo() throws Exception {
        List<AggregatedRecord.UserRecord> users = List.of(new AggregatedRecord.UserRecord("alice", null, utf8("one")),
                new AggregatedRecord.UserRecord("bob", "42", utf8("two")), new AggregatedRecord.UserRecord("alice", null, new byte[0]));
        List<AggregatedRecord.UserRecord> read = AggregatedRecord.deaggregate(AggregatedRecord.aggregate(users));
        assertThat(read).extracting(AggregatedRecord.UserRecord::partitionKey).containsExactly("alice", "bob", "alice");
        assertThat(read).extracting(AggregatedRecord.UserRecord::explicitHashKey).containsExactly(null, "42", null);
        assertThat(read).extracting(u -> new String(u.data(), StandardCharsets.UTF_8)).containsExactly("one", "two", "");
        // Field by field as protobuf's own encoder lays them out, less the tags the KPL's test records carry.
        com.google.protobuf.CodedInputStream in = com.google.protobuf.CodedInputStream.newInstance(
                Arrays.copyOfRange(AggregatedRecord.aggregate(users), 4, AggregatedRecord.aggregate(users).length - 16));
        assertThat(in.readTag()).isEqualTo(10);
        assertThat(in.readString()).isEqualTo("alice");
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
