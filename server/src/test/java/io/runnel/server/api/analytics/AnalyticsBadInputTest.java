package io.runnel.server.api.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.runnel.server.testing.RunnelServerExtension;
import io.runnel.server.testing.SignedRequests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Managed Flink API refuses what Managed Flink refuses, with its exception types, HTTP status and messages
 * that name the member, and keeps what it accepts. The server runs no Flink here: what needs one says so.
 */
@ExtendWith(RunnelServerExtension.class)
class AnalyticsBadInputTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private record Answer(int status, JsonNode body) {
        String type() {
            return body.path("__type").asText();
        }

        String message() {
            return body.path("message").asText();
        }
    }

    private static Answer call(String operation, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(SignedRequests.post(RunnelServerExtension.server().endpoint(),
                java.util.Map.of("Content-Type", "application/x-amz-json-1.1", "X-Amz-Target", "KinesisAnalytics_20180523." + operation),
                body.getBytes(java.nio.charset.StandardCharsets.UTF_8), "kinesisanalytics").build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), JSON.readTree(response.body()));
    }

    private static String sqlApplication(String name) {
        return "{\"ApplicationName\": \"" + name + "\", \"RuntimeEnvironment\": \"FLINK-1_20\", "
                + "\"ServiceExecutionRole\": \"arn:aws:iam::000000000000:role/r\", \"ApplicationConfiguration\": "
                + "{\"ApplicationCodeConfiguration\": {\"CodeContentType\": \"PLAINTEXT\", \"CodeContent\": "
                + "{\"TextContent\": \"INSERT INTO t VALUES (1);\"}}}}";
    }

    @Test
    void membersAreValidatedAsAwsValidatesThem() throws Exception {
        Answer badName = call("CreateApplication", sqlApplication("my app"));
        assertThat(badName.status()).isEqualTo(400);
        assertThat(badName.type()).isEqualTo("ValidationException");
        assertThat(badName.message()).isEqualTo("1 validation error detected: Value 'my app' at 'applicationName' failed to "
                + "satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");

        Answer several = call("CreateApplication", "{\"ApplicationName\": \"\", \"RuntimeEnvironment\": \"FLINK-9_9\"}");
        assertThat(several.type()).isEqualTo("ValidationException");
        assertThat(several.message()).startsWith("4 validation errors detected: ")
                .contains("Value '' at 'applicationName' failed to satisfy constraint: Member must have length greater than or equal to 1")
                .contains("Value 'FLINK-9_9' at 'runtimeEnvironment' failed to satisfy constraint: Member must satisfy enum value set: [")
                .contains("Value null at 'serviceExecutionRole' failed to satisfy constraint: Member must not be null");

        Answer nested = call("CreateApplication", "{\"ApplicationName\": \"nested\", \"RuntimeEnvironment\": \"FLINK-1_20\", "
                + "\"ServiceExecutionRole\": \"arn:aws:iam::000000000000:role/r\", \"ApplicationConfiguration\": "
                + "{\"EnvironmentProperties\": {\"PropertyGroups\": [{\"PropertyGroupId\": \"bad id\", \"PropertyMap\": {\"k\": \"v\"}}]}}}");
        assertThat(nested.message()).isEqualTo("1 validation error detected: Value 'bad id' at "
                + "'applicationConfiguration.environmentProperties.propertyGroups.1.member.propertyGroupId' failed to satisfy "
                + "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");

        Answer limit = call("ListApplications", "{\"Limit\": 51}");
        assertThat(limit.message()).isEqualTo("1 validation error detected: Value '51' at 'limit' failed to satisfy constraint: "
                + "Member must have value less than or equal to 50");

        Answer wrongType = call("StopApplication", "{\"ApplicationName\": \"x\", \"Force\": \"yes\"}");
        assertThat(wrongType.type()).isEqualTo("SerializationException");
    }

    @Test
    void applicationsLiveAndDieAsOnAws() throws Exception {
        assertThat(call("CreateApplication", sqlApplication("lifecycle")).status()).isEqualTo(200);
        Answer described = call("DescribeApplication", "{\"ApplicationName\": \"lifecycle\"}");
        JsonNode detail = described.body().path("ApplicationDetail");
        assertThat(detail.path("ApplicationStatus").asText()).isEqualTo("READY");
        assertThat(detail.path("ApplicationVersionId").asLong()).isEqualTo(1);
        assertThat(detail.path("ApplicationARN").asText()).isEqualTo("arn:aws:kinesisanalytics:us-east-1:000000000000:application/lifecycle");
        assertThat(detail.at("/ApplicationConfigurationDescription/ApplicationCodeConfigurationDescription/CodeContentDescription/TextContent")
                .asText()).isEqualTo("INSERT INTO t VALUES (1);");
        assertThat(detail.at("/ApplicationConfigurationDescription/FlinkApplicationConfigurationDescription/CheckpointConfigurationDescription/CheckpointInterval")
                .asLong()).isEqualTo(60_000);

        Answer again = call("CreateApplication", sqlApplication("lifecycle"));
        assertThat(again.type()).isEqualTo("ResourceInUseException");
        assertThat(again.message()).isEqualTo("Application lifecycle already exists.");

        Answer stale = call("UpdateApplication", "{\"ApplicationName\": \"lifecycle\", \"CurrentApplicationVersionId\": 7}");
        assertThat(stale.type()).isEqualTo("ConcurrentModificationException");
        assertThat(stale.message()).contains("version 1").contains("CurrentApplicationVersionId 7");
        Answer neither = call("UpdateApplication", "{\"ApplicationName\": \"lifecycle\"}");
        assertThat(neither.type()).isEqualTo("InvalidArgumentException");
        Answer updated = call("UpdateApplication", "{\"ApplicationName\": \"lifecycle\", \"CurrentApplicationVersionId\": 1, "
                + "\"ApplicationConfigurationUpdate\": {\"EnvironmentPropertyUpdates\": {\"PropertyGroups\": "
                + "[{\"PropertyGroupId\": \"g\", \"PropertyMap\": {\"k\": \"v\"}}]}}}");
        assertThat(updated.body().at("/ApplicationDetail/ApplicationVersionId").asLong()).isEqualTo(2);
        assertThat(updated.body().at("/ApplicationDetail/ApplicationConfigurationDescription/EnvironmentPropertyDescriptions/"
                + "PropertyGroupDescriptions/0/PropertyMap/k").asText()).isEqualTo("v");

        Answer noRuntime = call("StartApplication", "{\"ApplicationName\": \"lifecycle\"}");
        assertThat(noRuntime.type()).isEqualTo("UnsupportedOperationException");
        assertThat(noRuntime.message()).contains("--flink none");
        Answer notRunning = call("StopApplication", "{\"ApplicationName\": \"lifecycle\"}");
        assertThat(notRunning.type()).isEqualTo("ResourceInUseException");
        assertThat(notRunning.message()).contains("READY");
        Answer noSnapshot = call("DescribeApplicationSnapshot", "{\"ApplicationName\": \"lifecycle\", \"SnapshotName\": \"s\"}");
        assertThat(noSnapshot.type()).isEqualTo("InvalidArgumentException");
        assertThat(noSnapshot.message()).contains("does not exist");

        double created = detail.path("CreateTimestamp").asDouble();
        Answer wrongTime = call("DeleteApplication", "{\"ApplicationName\": \"lifecycle\", \"CreateTimestamp\": " + (created - 3600) + "}");
        assertThat(wrongTime.type()).isEqualTo("InvalidArgumentException");
        assertThat(call("DeleteApplication", "{\"ApplicationName\": \"lifecycle\", \"CreateTimestamp\": " + created + "}").status())
                .isEqualTo(200);
        Answer gone = call("DescribeApplication", "{\"ApplicationName\": \"lifecycle\"}");
        assertThat(gone.type()).isEqualTo("ResourceNotFoundException");
        assertThat(gone.message()).isEqualTo("Application lifecycle under account 000000000000 not found.");
    }

    @Test
    void codeMustBeThereAndOfItsType() throws Exception {
        Answer missingJar = call("CreateApplication", "{\"ApplicationName\": \"no-jar\", \"RuntimeEnvironment\": \"FLINK-1_20\", "
                + "\"ServiceExecutionRole\": \"arn:aws:iam::000000000000:role/r\", \"ApplicationConfiguration\": "
                + "{\"ApplicationCodeConfiguration\": {\"CodeContentType\": \"ZIPFILE\", \"CodeContent\": {\"S3ContentLocation\": "
                + "{\"BucketARN\": \"arn:aws:s3:::nowhere\", \"FileKey\": \"job.jar\"}}}}}");
        assertThat(missingJar.type()).isEqualTo("InvalidArgumentException");
        assertThat(missingJar.message()).contains("s3://nowhere/job.jar does not exist");

        Answer textForJar = call("CreateApplication", "{\"ApplicationName\": \"text-jar\", \"RuntimeEnvironment\": \"FLINK-1_20\", "
                + "\"ServiceExecutionRole\": \"arn:aws:iam::000000000000:role/r\", \"ApplicationConfiguration\": "
                + "{\"ApplicationCodeConfiguration\": {\"CodeContentType\": \"ZIPFILE\", \"CodeContent\": {\"TextContent\": \"x\"}}}}");
        assertThat(textForJar.type()).isEqualTo("CodeValidationException");

        Answer legacySql = call("CreateApplication", "{\"ApplicationName\": \"legacy\", \"RuntimeEnvironment\": \"SQL-1_0\", "
                + "\"ServiceExecutionRole\": \"arn:aws:iam::000000000000:role/r\"}");
        assertThat(legacySql.type()).isEqualTo("InvalidArgumentException");
        assertThat(legacySql.message()).contains("SQL-1_0");
    }
}
