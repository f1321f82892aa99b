package io.runnel.server.api.kinesis;

import io.runnel.server.api.validation.Member;

/** Members that many Kinesis operations share, with the bounds of the AWS service model. */
final class Members {

    private Members() {
    }

    static final String NAME_PATTERN = "[a-zA-Z0-9_.-]+";
    static final String HASH_KEY_PATTERN = "0|([1-9]\\d{0,38})";
    static final String SEQUENCE_PATTERN = "0|([1-9]\\d{0,128})";

    static Member streamName() {
        return Member.string("StreamName").length(1, 128).pattern(NAME_PATTERN);
    }

    static Member streamArn() {
        return Member.string("StreamARN").length(1, 2048).pattern("arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+");
    }

    /** A resource the tagging operations name: a stream (or, on Kinesis, a consumer) ARN. */
    static Member resourceArn() {
        return Member.string("ResourceARN").length(1, 2048).pattern("arn:aws.*:kinesis:.*:\\d{12}:.*stream/\\S+").required();
    }

    static Member consumerName() {
        return Member.string("ConsumerName").length(1, 128).pattern(NAME_PATTERN);
    }

    static Member consumerArn() {
        return Member.string("ConsumerARN").length(1, 2048)
                .pattern("^(arn):aws.*:kinesis:.*:\\d{12}:.*stream\\/[a-zA-Z0-9_.-]+\\/consumer\\/[a-zA-Z0-9_.-]+:[0-9]+");
    }

    static Member shardId(String name) {
        return Member.string(name).length(1, 128).pattern(NAME_PATTERN);
    }

    static Member hashKey(String name) {
        return Member.string(name).pattern(HASH_KEY_PATTERN);
    }

    static Member sequenceNumber(String name) {
        return Member.string(name).pattern(SEQUENCE_PATTERN);
    }

    /** The longest partition key, in characters (code points). */
    static final int MAX_PARTITION_KEY = 256;
    /** The most bytes of data a record holds. */
    static final int MAX_DATA = 1024 * 1024;

    static Member partitionKey() {
        return Member.string("PartitionKey").length(1, MAX_PARTITION_KEY).required();
    }

    static Member data() {
        return Member.blob("Data").length(0, MAX_DATA).required();
    }

    static Member tagMap() {
        return Member.stringMap("Tags").length(0, 200).keyLength(1, 128).valueLength(0, 256);
    }

    static Member nextToken() {
        return Member.string("NextToken").length(1, 1024 * 1024);
    }
}
