package io.runnel.server.api.analytics;

import io.runnel.server.api.validation.Member;

/** Members and structures that several Managed Flink operations share, with the bounds of the AWS service model. */
final class AnalyticsMembers {

    private AnalyticsMembers() {
    }

    static final String NAME_PATTERN = "[a-zA-Z0-9_.-]+";
    static final String ARN_PATTERN = "arn:.*";
    /** RuntimeEnvironment as AWS's model lists it, and FLINK-2_3, which is what Runnel runs. */
    static final String[] RUNTIMES = {"SQL-1_0", "FLINK-1_6", "FLINK-1_8", "ZEPPELIN-FLINK-1_0", "FLINK-1_11", "FLINK-1_13",
            "ZEPPELIN-FLINK-2_0", "FLINK-1_15", "ZEPPELIN-FLINK-3_0", "FLINK-1_18", "FLINK-1_19", "FLINK-1_20", "FLINK-2_2", "FLINK-2_3"};
    static final String[] CONFIGURATION_TYPES = {"DEFAULT", "CUSTOM"};
    static final String[] RESTORE_TYPES = {"SKIP_RESTORE_FROM_SNAPSHOT", "RESTORE_FROM_LATEST_SNAPSHOT", "RESTORE_FROM_CUSTOM_SNAPSHOT"};
    static final String[] OPERATION_STATUSES = {"IN_PROGRESS", "CANCELLED", "SUCCESSFUL", "FAILED"};

    static Member applicationName() {
        return Member.string("ApplicationName").required().length(1, 128).pattern(NAME_PATTERN);
    }

    static Member snapshotName() {
        return Member.string("SnapshotName").required().length(1, 256).pattern(NAME_PATTERN);
    }

    static Member runtime(String name) {
        return Member.string(name).oneOf(RUNTIMES);
    }

    static Member roleArn(String name) {
        return Member.string(name).length(1, 2048).pattern(ARN_PATTERN);
    }

    static Member versionId(String name) {
        return Member.integer(name).range(1, 999_999_999);
    }

    static Member tags() {
        return Member.list("Tags", Member.structure("member",
                Member.string("Key").required().length(1, 128),
                Member.string("Value").length(0, 256))).length(1, 200);
    }

    static Member kinesisAnalyticsArn() {
        return Member.string("ResourceARN").required().length(1, 2048).pattern(ARN_PATTERN);
    }

    static Member propertyGroups() {
        return Member.list("PropertyGroups", Member.structure("member",
                Member.string("PropertyGroupId").required().length(1, 50).pattern(NAME_PATTERN),
                Member.stringMap("PropertyMap").required().length(1, 50).keyLength(1, 2048).valueLength(1, 2048))).required().length(0, 50);
    }

    static Member applicationConfiguration() {
        return Member.structure("ApplicationConfiguration",
                Member.structure("FlinkApplicationConfiguration",
                        Member.structure("CheckpointConfiguration",
                                Member.string("ConfigurationType").required().oneOf(CONFIGURATION_TYPES),
                                Member.bool("CheckpointingEnabled"),
                                Member.integer("CheckpointInterval").minimum(1),
                                Member.integer("MinPauseBetweenCheckpoints").minimum(0)),
                        Member.structure("MonitoringConfiguration",
                                Member.string("ConfigurationType").required().oneOf(CONFIGURATION_TYPES),
                                Member.string("MetricsLevel").oneOf("APPLICATION", "TASK", "OPERATOR", "PARALLELISM"),
                                Member.string("LogLevel").oneOf("INFO", "WARN", "ERROR", "DEBUG")),
                        // Integers in AWS's model: bounded, so that no value is narrowed on its way to Flink.
                        Member.structure("ParallelismConfiguration",
                                Member.string("ConfigurationType").required().oneOf(CONFIGURATION_TYPES),
                                Member.integer("Parallelism").range(1, Integer.MAX_VALUE),
                                Member.integer("ParallelismPerKPU").range(1, Integer.MAX_VALUE),
                                Member.bool("AutoScalingEnabled"))),
                Member.structure("EnvironmentProperties", propertyGroups()),
                Member.structure("ApplicationCodeConfiguration",
                        Member.structure("CodeContent",
                                Member.string("TextContent").length(0, 102_400),
                                Member.blob("ZipFileContent").length(0, 52_428_800),
                                Member.structure("S3ContentLocation",
                                        Member.string("BucketARN").required().length(1, 2048).pattern(ARN_PATTERN),
                                        Member.string("FileKey").required().length(1, 1024),
                                        Member.string("ObjectVersion").length(0, 1024))),
                        Member.string("CodeContentType").required().oneOf("PLAINTEXT", "ZIPFILE")),
                Member.structure("ApplicationSnapshotConfiguration", Member.bool("SnapshotsEnabled").required()),
                Member.structure("ApplicationSystemRollbackConfiguration", Member.bool("RollbackEnabled").required()));
    }

    static Member applicationConfigurationUpdate() {
        return Member.structure("ApplicationConfigurationUpdate",
                Member.structure("ApplicationCodeConfigurationUpdate",
                        Member.string("CodeContentTypeUpdate").oneOf("PLAINTEXT", "ZIPFILE"),
                        Member.structure("CodeContentUpdate",
                                Member.string("TextContentUpdate").length(0, 102_400),
                                Member.blob("ZipFileContentUpdate").length(0, 52_428_800),
                                Member.structure("S3ContentLocationUpdate",
                                        Member.string("BucketARNUpdate").length(1, 2048).pattern(ARN_PATTERN),
                                        Member.string("FileKeyUpdate").length(1, 1024),
                                        Member.string("ObjectVersionUpdate").length(0, 1024)))),
                Member.structure("FlinkApplicationConfigurationUpdate",
                        Member.structure("CheckpointConfigurationUpdate",
                                Member.string("ConfigurationTypeUpdate").oneOf(CONFIGURATION_TYPES),
                                Member.bool("CheckpointingEnabledUpdate"),
                                Member.integer("CheckpointIntervalUpdate").minimum(1),
                                Member.integer("MinPauseBetweenCheckpointsUpdate").minimum(0)),
                        Member.structure("MonitoringConfigurationUpdate",
                                Member.string("ConfigurationTypeUpdate").oneOf(CONFIGURATION_TYPES),
                                Member.string("MetricsLevelUpdate").oneOf("APPLICATION", "TASK", "OPERATOR", "PARALLELISM"),
                                Member.string("LogLevelUpdate").oneOf("INFO", "WARN", "ERROR", "DEBUG")),
                        Member.structure("ParallelismConfigurationUpdate",
                                Member.string("ConfigurationTypeUpdate").oneOf(CONFIGURATION_TYPES),
                                Member.integer("ParallelismUpdate").range(1, Integer.MAX_VALUE),
                                Member.integer("ParallelismPerKPUUpdate").range(1, Integer.MAX_VALUE),
                                Member.bool("AutoScalingEnabledUpdate"))),
                Member.structure("EnvironmentPropertyUpdates", propertyGroups()),
                Member.structure("ApplicationSnapshotConfigurationUpdate", Member.bool("SnapshotsEnabledUpdate").required()),
                Member.structure("ApplicationSystemRollbackConfigurationUpdate", Member.bool("RollbackEnabledUpdate").required()));
    }

    static Member runConfiguration(String name) {
        return Member.structure(name,
                Member.structure("FlinkRunConfiguration", Member.bool("AllowNonRestoredState")),
                Member.structure("ApplicationRestoreConfiguration",
                        Member.string("ApplicationRestoreType").required().oneOf(RESTORE_TYPES),
                        Member.string("SnapshotName").length(1, 256).pattern(NAME_PATTERN)));
    }
}
