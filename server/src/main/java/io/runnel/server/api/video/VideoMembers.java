package io.runnel.server.api.video;

import io.runnel.server.api.validation.Member;

/** Members several Kinesis Video Streams operations share, with the bounds of the AWS service models. */
final class VideoMembers {

    private VideoMembers() {
    }

    static final String NAME_PATTERN = "[a-zA-Z0-9_.-]+";
    static final String ARN_PATTERN = "arn:[a-z\\d-]+:kinesisvideo:[a-z0-9-]+:[0-9]+:[a-z]+/[a-zA-Z0-9_.-]+/[0-9]+";
    static final String TAG_PATTERN = "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*";

    static Member streamName() {
        return Member.string("StreamName").length(1, 256).pattern(NAME_PATTERN);
    }

    static Member streamArn() {
        return Member.string("StreamARN").length(1, 1024).pattern(ARN_PATTERN);
    }

    static Member currentVersion() {
        return Member.string("CurrentVersion").length(1, 64).pattern("[a-zA-Z0-9]+");
    }

    static Member deviceName() {
        return Member.string("DeviceName").length(1, 128).pattern(NAME_PATTERN);
    }

    static Member mediaType() {
        return Member.string("MediaType").length(1, 128).pattern("[\\w\\-\\.\\+]+/[\\w\\-\\.\\+]+(,[\\w\\-\\.\\+]+/[\\w\\-\\.\\+]+)*");
    }

    static Member tags() {
        return Member.stringMap("Tags").length(1, 50).keyLength(1, 128).valueLength(0, 256);
    }

    static Member controlNextToken() {
        return Member.string("NextToken").length(0, 1024).pattern("[a-zA-Z0-9+/=]*");
    }

    static Member archiveNextToken() {
        return Member.string("NextToken").length(1, 4096).pattern("[a-zA-Z0-9+/]+={0,2}");
    }

    static Member fragmentNumber(String name) {
        return Member.string(name).length(1, 128).pattern("^[0-9]+$");
    }

    static Member timestampRange(boolean required) {
        Member start = Member.timestamp("StartTimestamp");
        Member end = Member.timestamp("EndTimestamp");
        return Member.structure("TimestampRange", required ? start.required() : start, required ? end.required() : end);
    }
}
