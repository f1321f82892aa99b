package io.runnel.server.api.sts;

import io.runnel.server.testing.RunnelServerExtension;
import io.runnel.server.testing.SignedRequests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** STS's GetCallerIdentity, which the KPL calls before it sends anything, answered as STS answers it. */
@ExtendWith(RunnelServerExtension.class)
class StsTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void theSdkLearnsTheAccountAndItsOwnKey() {
        try (StsClient sts = StsClient.builder().endpointOverride(RunnelServerExtension.server().endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDKPL", "secret"))).build()) {
            GetCallerIdentityResponse me = sts.getCallerIdentity();
            assertThat(me.account()).isEqualTo("000000000000");
            assertThat(me.userId()).isEqualTo("AKIDKPL");
            assertThat(me.arn()).isEqualTo("arn:aws:iam::000000000000:user/AKIDKPL");
        }
    }

    @Test
    void theAnswerIsStsXml() throws Exception {
        HttpResponse<String> r = post("Action=GetCallerIdentity&Version=2011-06-15", "sts");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/xml");
        String id = r.headers().firstValue("x-amzn-RequestId").orElseThrow();
        assertThat(r.body()).isEqualTo("<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                + "<GetCallerIdentityResult><Arn>arn:aws:iam::000000000000:user/runnel</Arn><UserId>runnel</UserId>"
                + "<Account>000000000000</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>" + id
                + "</RequestId></ResponseMetadata></GetCallerIdentityResponse>\n");
    }

    @Test
    void anOperationStsDoesNotHaveHereIsAnInvalidAction() throws Exception {
        HttpResponse<String> r = post("Action=AssumeRole&Version=2011-06-15&RoleArn=x", "sts");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("<Type>Sender</Type><Code>InvalidAction</Code>"
                + "<Message>Could not find operation AssumeRole for version 2011-06-15</Message>");
        HttpResponse<String> none = post("Version=2011-06-15", "sts");
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(none.body()).contains("<Code>MissingAction</Code>");
    }

    @Test
    void aFormNotSignedForAQueryServiceIsRefusedAsKinesisRefusesIt() throws Exception {
        HttpRequest unsigned = HttpRequest.newBuilder(RunnelServerExtension.server().endpoint())
                .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString("Action=GetCallerIdentity&Version=2011-06-15")).build();
        for (HttpResponse<String> r : List.of(HTTP.send(unsigned, HttpResponse.BodyHandlers.ofString()),
                post("Action=GetCallerIdentity&Version=2011-06-15", "kinesis"))) {
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(r.body()).contains("<AccessDeniedException>");
        }
    }

    private static HttpResponse<String> post(String form, String service) throws Exception {
        URI endpoint = RunnelServerExtension.server().endpoint();
        HttpRequest request = SignedRequests.post(endpoint, Map.of("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
                form.getBytes(StandardCharsets.UTF_8), service).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
