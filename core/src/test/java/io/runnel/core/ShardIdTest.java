package io.runnel.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ShardIdTest {

    @Test
    void anIdIsReadByItsTrailingDigitsAsKinesisReadsIt() {
        assertThat(ShardId.of(1)).isEqualTo("shardId-000000000001");
        for (String id : new String[] {"shardId-000000000001", "shardId-1", "1", "shard-0001", "anything1"}) {
            assertThat(ShardId.indexOf(id)).as(id).isEqualTo(1);
        }
        assertThat(ShardId.indexOf(ShardId.of(123_456))).isEqualTo(123_456);
        assertThat(ShardId.indexOf("shardId-000000000000")).isZero();
        assertThat(ShardId.indexOf("0")).isZero();
    }

    @Test
    void textWithoutTrailingDigitsOrBeyondAnyShardNamesNone() {
        for (String id : new String[] {"", "shardId-", "shardId-1x", "2147483648", "shardId-99999999999", null}) {
            assertThat(ShardId.indexOf(id)).as(id).isEqualTo(-1);
        }
        assertThat(ShardId.indexOf("2147483647")).isEqualTo(Integer.MAX_VALUE);
        assertThat(ShardId.indexOf("shardId-0000000000002147483647")).isEqualTo(Integer.MAX_VALUE);
    }
}
