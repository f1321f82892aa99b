package io.runnel.it;

import com.amazonaws.services.kinesisanalytics.runtime.KinesisAnalyticsRuntime;
import io.runnel.it.jobs.CopyStreamJob;
import io.runnel.it.jobs.FailingJobs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesisanalyticsv2.KinesisAnalyticsV2Client;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationDetail;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationOperationInfoDetails;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationRestoreType;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.CodeContentType;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ConfigurationType;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.OperationStatus;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.PropertyGroup;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.SnapshotStatus;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Applications on the embedded runtime, as Managed Flink users run them: a jar uploaded to the S3 endpoint with
 * the AWS CLI, created, started, stopped with a snapshot and started again through the SDK's
 * KinesisAnalyticsV2Client, reading its property groups with Amazon's own library; the same with
 * {@code ./runnel app}; and the ways applications fail.
 */
class ApplicationsTest {

    private static final Duration TRANSITION = Duration.ofMinutes(3);

    @TempDir
    static Path dir;

    private static RunnelProcess runnel;
    private static KinesisClient kinesis;
    private static KinesisAnalyticsV2Client flink;
    private static String bootstrap;
    private static Path copyJar;

    @BeforeAll
    static void up() throws Exception {
        int kafkaPort = RunnelProcess.freePort();
        bootstrap = "127.0.0.1:" + kafkaPort;
        runnel = RunnelProcess.up(Path.of("target/runnel-applications.log"), "--flink", "embedded", "--kafka-port",
                Integer.toString(kafkaPort), "--data-dir", dir.resolve("data").toString(), "--create-stream-ms", "100");
        kinesis = runnel.client();
        flink = KinesisAnalyticsV2Client.builder().endpointOverride(runnel.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(Commands.KEY, Commands.SECRET)))
                .build();
        copyJar = JobJar.of(CopyStreamJob.class).bundling(KinesisAnalyticsRuntime.class).writeTo(dir.resolve("copy-stream.jar"));
        aws("s3", "mb", "s3://jobs");
        aws("s3", "cp", copyJar.toString(), "s3://jobs/copy-stream.jar");
    }

    @AfterAll
    static void down() throws Exception {
        if (flink != null) {
            flink.close();
        }
        if (kinesis != null) {
            kinesis.close();
        }
        if (runnel != null) {
            runnel.close();
        }
    }

    @Test
    void aJarApplicationCopiesEveryRecordOnceAcrossAStopWithSnapshot() {
        StreamData.create(kinesis, "sdk-in", 2);
        StreamData.create(kinesis, "sdk-out", 2);
        flink.createApplication(b -> b.applicationName("sdk-copy").runtimeEnvironment("FLINK-1_20")
                .serviceExecutionRole("arn:aws:iam::000000000000:role/copy")
                .applicationConfiguration(c -> c
                        .applicationCodeConfiguration(code -> code.codeContentType(CodeContentType.ZIPFILE)
                                .codeContent(content -> content.s3ContentLocation(s3 -> s3.bucketARN("arn:aws:s3:::jobs")
                                        .fileKey("copy-stream.jar"))))
                        .environmentProperties(e -> e.propertyGroups(copyProperties("sdk-in", "sdk-out", "sdk-copy")))
                        .flinkApplicationConfiguration(f -> f.checkpointConfiguration(cp -> cp.configurationType(ConfigurationType.CUSTOM)
                                .checkpointingEnabled(true).checkpointInterval(1000L).minPauseBetweenCheckpoints(200L)))));

        Map<String, Integer> written = new HashMap<>();
        List<String> put = new ArrayList<>();
        awaitOperation("sdk-copy", flink.startApplication(b -> b.applicationName("sdk-copy")).operationId());
        assertThat(describe("sdk-copy").applicationStatusAsString()).isEqualTo("RUNNING");
        put.addAll(StreamData.putNumbered(kinesis, "sdk-in", 10, 500, written));
        awaitCopied("sdk-out", put.size());

        awaitOperation("sdk-copy", flink.stopApplication(b -> b.applicationName("sdk-copy")).operationId());
        assertThat(describe("sdk-copy").applicationStatusAsString()).isEqualTo("READY");
        assertThat(flink.listApplicationSnapshots(b -> b.applicationName("sdk-copy")).snapshotSummaries())
                .singleElement().satisfies(s -> assertThat(s.snapshotStatus()).isEqualTo(SnapshotStatus.READY));
        put.addAll(StreamData.putNumbered(kinesis, "sdk-in", 10, 500, written)); // while it is stopped

        awaitOperation("sdk-copy", flink.startApplication(b -> b.applicationName("sdk-copy")
                .runConfiguration(r -> r.applicationRestoreConfiguration(a -> a.applicationRestoreType(
                        ApplicationRestoreType.RESTORE_FROM_LATEST_SNAPSHOT)))).operationId());
        put.addAll(StreamData.putNumbered(kinesis, "sdk-in", 10, 500, written));
        awaitCopied("sdk-out", put.size());
        // Stopping commits everything the job wrote: after it, the output is final.
        awaitOperation("sdk-copy", flink.stopApplication(b -> b.applicationName("sdk-copy")).operationId());

        assertThat(StreamData.readAll(kinesis, "sdk-out")).containsExactlyInAnyOrderElementsOf(put);
    }

    @Test
    void theSameThroughRunnelApp() throws Exception {
        StreamData.create(kinesis, "cli-in", 2);
        StreamData.create(kinesis, "cli-out", 1);
        List<String> deploy = new ArrayList<>(List.of("app", "deploy", copyJar.toString(), "--name", "cli-copy",
                "--endpoint", runnel.endpoint().toString(), "--checkpoint-interval", "1000"));
        copyProperties("cli-in", "cli-out", "cli-copy").get(0).propertyMap()
                .forEach((key, value) -> deploy.addAll(List.of("--property", "copy." + key + "=" + value)));
        runnelApp(deploy.toArray(String[]::new));
        assertThat(describe("cli-copy").applicationStatusAsString()).isEqualTo("RUNNING");

        Map<String, Integer> written = new HashMap<>();
        List<String> put = new ArrayList<>(StreamData.putNumbered(kinesis, "cli-in", 5, 300, written));
        awaitCopied("cli-out", put.size());
        runnelApp("app", "stop", "cli-copy", "--endpoint", runnel.endpoint().toString());
        put.addAll(StreamData.putNumbered(kinesis, "cli-in", 5, 300, written));
        runnelApp("app", "start", "cli-copy", "--endpoint", runnel.endpoint().toString());
        put.addAll(StreamData.putNumbered(kinesis, "cli-in", 5, 300, written));
        awaitCopied("cli-out", put.size());
        runnelApp("app", "stop", "cli-copy", "--endpoint", runnel.endpoint().toString());

        assertThat(StreamData.readAll(kinesis, "cli-out")).containsExactlyInAnyOrderElementsOf(put);
        assertThat(runnelApp("app", "list", "--endpoint", runnel.endpoint().toString())).contains("cli-copy").contains("READY");
    }

    @Test
    void applicationsThatFailSayWhyAndLeaveTheServerAndOtherApplicationsRunning() throws Exception {
        StreamData.create(kinesis, "steady-in", 1);
        StreamData.create(kinesis, "steady-out", 1);
        createJarApplication("steady", "copy-stream.jar", copyProperties("steady-in", "steady-out", "steady"));
        awaitOperation("steady", flink.startApplication(b -> b.applicationName("steady")).operationId());

        aws("s3", "cp", JobJar.of(FailingJobs.ThrowsInMain.class).writeTo(dir.resolve("throws.jar")).toString(), "s3://jobs/throws.jar");
        createJarApplication("throws-in-main", "throws.jar", List.of());
        assertThat(failedStart("throws-in-main").operationFailureDetails().errorInfo().errorString())
                .contains("The main method caused an error").contains("no input stream configured");

        aws("s3", "cp", JobJar.withoutMainClass(FailingJobs.class).writeTo(dir.resolve("no-main.jar")).toString(), "s3://jobs/no-main.jar");
        createJarApplication("no-main", "no-main.jar", List.of());
        assertThat(failedStart("no-main").operationFailureDetails().errorInfo().errorString()).contains("Main-Class");

        flink.createApplication(b -> b.applicationName("bad-sql").runtimeEnvironment("FLINK-1_20")
                .serviceExecutionRole("arn:aws:iam::000000000000:role/sql")
                .applicationConfiguration(c -> c.applicationCodeConfiguration(code -> code.codeContentType(CodeContentType.PLAINTEXT)
                        .codeContent(content -> content.textContent("CREATE TABEL t (n INT);\nINSERT INTO t VALUES (1);")))));
        assertThat(failedStart("bad-sql").operationFailureDetails().errorInfo().errorString()).contains("TABEL");

        aws("s3", "cp", JobJar.of(FailingJobs.ThrowsWhileRunning.class).writeTo(dir.resolve("throws-later.jar")).toString(),
                "s3://jobs/throws-later.jar");
        createJarApplication("throws-later", "throws-later.jar", List.of());
        flink.startApplication(b -> b.applicationName("throws-later"));
        await().atMost(TRANSITION).until(() -> runnelApp("app", "status", "throws-later", "--endpoint", runnel.endpoint().toString())
                .contains("failed:"));
        assertThat(runnelApp("app", "status", "throws-later", "--endpoint", runnel.endpoint().toString()))
                .contains("throws-later: READY").contains("three is one too many");

        assertThatThrownBy(() -> flink.describeApplication(b -> b.applicationName("no-such-application")))
                .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("no-such-application");
        assertThatThrownBy(() -> flink.startApplication(b -> b.applicationName("no-such-application")))
                .isInstanceOf(ResourceNotFoundException.class);

        assertThat(describe("steady").applicationStatusAsString()).isEqualTo("RUNNING");
        List<String> put = StreamData.putNumbered(kinesis, "steady-in", 3, 30, new HashMap<>());
        awaitCopied("steady-out", put.size());
        assertThat(StreamData.readAll(kinesis, "steady-out")).containsExactlyInAnyOrderElementsOf(put);
    }

    private static List<PropertyGroup> copyProperties(String input, String output, String prefix) {
        return List.of(PropertyGroup.builder().propertyGroupId("copy").propertyMap(Map.of("input", input, "output", output,
                "bootstrap-servers", bootstrap, "transactional-id-prefix", prefix)).build());
    }

    private static void createJarApplication(String name, String fileKey, List<PropertyGroup> properties) {
        flink.createApplication(b -> b.applicationName(name).runtimeEnvironment("FLINK-1_20")
                .serviceExecutionRole("arn:aws:iam::000000000000:role/" + name)
                .applicationConfiguration(c -> c
                        .applicationCodeConfiguration(code -> code.codeContentType(CodeContentType.ZIPFILE)
                                .codeContent(content -> content.s3ContentLocation(s3 -> s3.bucketARN("arn:aws:s3:::jobs").fileKey(fileKey))))
                        .environmentProperties(e -> e.propertyGroups(properties))
                        .flinkApplicationConfiguration(f -> f.checkpointConfiguration(cp -> cp.configurationType(ConfigurationType.CUSTOM)
                                .checkpointingEnabled(true).checkpointInterval(1000L).minPauseBetweenCheckpoints(200L)))));
    }

    private static ApplicationOperationInfoDetails failedStart(String name) {
        String operation = flink.startApplication(b -> b.applicationName(name)).operationId();
        ApplicationOperationInfoDetails details = awaitEnded(name, operation);
        assertThat(details.operationStatus()).isEqualTo(OperationStatus.FAILED);
        assertThat(describe(name).applicationStatusAsString()).isEqualTo("READY");
        return details;
    }

    private static ApplicationDetail describe(String name) {
        return flink.describeApplication(b -> b.applicationName(name)).applicationDetail();
    }

    private static void awaitOperation(String name, String operationId) {
        ApplicationOperationInfoDetails details = awaitEnded(name, operationId);
        assertThat(details.operationStatus()).as("%s of %s: %s", details.operation(), name, details.operationFailureDetails())
                .isEqualTo(OperationStatus.SUCCESSFUL);
    }

    private static ApplicationOperationInfoDetails awaitEnded(String name, String operationId) {
        return await().atMost(TRANSITION).pollInterval(Duration.ofMillis(200)).until(
                () -> flink.describeApplicationOperation(b -> b.applicationName(name).operationId(operationId)).applicationOperationInfoDetails(),
                d -> d.operationStatus() != OperationStatus.IN_PROGRESS);
    }

    private static void awaitCopied(String stream, int count) {
        await().atMost(TRANSITION).pollInterval(Duration.ofMillis(500)).until(() -> StreamData.readAll(kinesis, stream).size() >= count);
    }

    private static String aws(String... args) throws Exception {
        Commands.Result r = Commands.aws(runnel.s3Endpoint(), Commands.SECRET, args);
        assertThat(r.exit()).as("aws %s: %s", String.join(" ", args), r.output()).isZero();
        return r.output();
    }

    private static String runnelApp(String... args) throws Exception {
        return Commands.runnelOk(args);
    }
}
