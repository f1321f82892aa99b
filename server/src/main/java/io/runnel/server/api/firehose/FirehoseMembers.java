package io.runnel.server.api.firehose;

import io.runnel.server.api.validation.Member;

/** Members and structures that several Firehose operations share, with the bounds of the AWS service model. */
final class FirehoseMembers {

    private FirehoseMembers() {
    }

    static final String NAME_PATTERN = "[a-zA-Z0-9_.-]+";
    static final String ARN_PATTERN = "arn:.*:.*:.*:.*:.*";
    static final String[] COMPRESSION = {"UNCOMPRESSED", "GZIP", "ZIP", "Snappy", "HADOOP_SNAPPY"};

    static Member deliveryStreamName() {
        return Member.string("DeliveryStreamName").required().length(1, 64).pattern(NAME_PATTERN);
    }

    static Member tags() {
        return Member.list("Tags", Member.structure("member",
                Member.string("Key").required().length(1, 128),
                Member.string("Value").length(0, 256))).length(1, 50);
    }

    private static Member processing() {
        return Member.structure("ProcessingConfiguration",
                Member.bool("Enabled"),
                Member.list("Processors", Member.structure("member",
                        Member.string("Type").required().oneOf("RecordDeAggregation", "Decompression", "CloudWatchLogProcessing",
                                "Lambda", "MetadataExtraction", "AppendDelimiterToRecord"),
                        Member.list("Parameters", Member.structure("member",
                                Member.string("ParameterName").required(),
                                Member.string("ParameterValue").required().length(1, 5120))))));
    }

    private static Member conversion() {
        return Member.structure("DataFormatConversionConfiguration",
                Member.structure("SchemaConfiguration",
                        Member.string("RoleARN").length(0, 1024),
                        Member.string("CatalogId").length(0, 1024),
                        Member.string("DatabaseName").length(0, 1024),
                        Member.string("TableName").length(0, 1024),
                        Member.string("Region").length(0, 1024),
                        Member.string("VersionId").length(0, 1024)),
                Member.structure("InputFormatConfiguration",
                        Member.structure("Deserializer",
                                Member.structure("OpenXJsonSerDe",
                                        Member.bool("ConvertDotsInJsonKeysToUnderscores"),
                                        Member.bool("CaseInsensitive"),
                                        Member.stringMap("ColumnToJsonKeyMappings").keyLength(1, 1024).valueLength(0, 1024)),
                                Member.structure("HiveJsonSerDe",
                                        Member.list("TimestampFormats", Member.string("member").length(0, 1024))))),
                Member.structure("OutputFormatConfiguration",
                        Member.structure("Serializer",
                                Member.structure("ParquetSerDe",
                                        Member.integer("BlockSizeBytes").minimum(67_108_864),
                                        Member.integer("PageSizeBytes").minimum(65_536),
                                        Member.string("Compression").oneOf("UNCOMPRESSED", "GZIP", "SNAPPY"),
                                        Member.bool("EnableDictionaryCompression"),
                                        Member.integer("MaxPaddingBytes").minimum(0),
                                        Member.string("WriterVersion").oneOf("V1", "V2")),
                                Member.structure("OrcSerDe"))),
                Member.bool("Enabled"));
    }

    private static Member buffering() {
        return Member.structure("BufferingHints",
                Member.integer("SizeInMBs").range(1, 128),
                Member.integer("IntervalInSeconds").range(0, 900));
    }

    static Member extendedS3Destination(String member, boolean update) {
        Member bucket = Member.string("BucketARN").length(1, 2048).pattern(ARN_PATTERN);
        Member role = Member.string("RoleARN").length(1, 512).pattern(ARN_PATTERN);
        return Member.structure(member,
                update ? role : role.required(),
                update ? bucket : bucket.required(),
                Member.string("Prefix").length(0, 1024),
                Member.string("ErrorOutputPrefix").length(0, 1024),
                buffering(),
                Member.string("CompressionFormat").oneOf(COMPRESSION),
                processing(),
                Member.string("S3BackupMode").oneOf("Disabled", "Enabled"),
                conversion(),
                Member.structure("DynamicPartitioningConfiguration",
                        Member.structure("RetryOptions", Member.integer("DurationInSeconds").range(0, 7200)),
                        Member.bool("Enabled")),
                Member.string("FileExtension").length(0, 128).pattern("^$|\\.[0-9a-z!\\-_.*'()]+"),
                Member.string("CustomTimeZone").length(0, 50));
    }
}
