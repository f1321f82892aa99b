package io.runnel.server.api.runnel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.api.ApiService;
import io.runnel.server.api.Request;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code Runnel_20261126.DescribeEndpoints}: where the rest of Runnel is, as this server sees it: the Kafka
 * cluster behind its streams, its S3 endpoint, and its Flink runtime (REST API and web UI, SQL Gateway).
 * Flink's SQL client and the Runnel catalog and tables ask it rather than being told.
 */
public final class DescribeEndpointsAction {

    public static final String SERVICE = "Runnel_20261126";

    /** What this server knows of its surroundings; Flink's entries are null when it runs no jobs. */
    public record Endpoints(String region, String accountId, String bootstrapServers, String metadataTopic, URI s3,
                            URI flinkRest, URI sqlGateway) {
    }

    private DescribeEndpointsAction() {
    }

    public static ApiService service(Endpoints endpoints) {
        return ApiService.of(SERVICE, Map.of("DescribeEndpoints", new ApiService.Operation(List.of(), request -> handle(request, endpoints))));
    }

    private static CompletableFuture<JsonNode> handle(Request request, Endpoints endpoints) {
        ObjectNode response = JsonNodeFactory.instance.objectNode()
                .put("Region", endpoints.region())
                .put("AccountId", endpoints.accountId())
                .put("KafkaBootstrapServers", endpoints.bootstrapServers())
                .put("MetadataTopic", endpoints.metadataTopic())
                .put("S3Endpoint", endpoints.s3().toString());
        if (endpoints.flinkRest() != null) {
            response.put("FlinkRestUrl", endpoints.flinkRest().toString()).put("FlinkWebUi", endpoints.flinkRest().toString());
        }
        if (endpoints.sqlGateway() != null) {
            response.put("SqlGatewayUrl", endpoints.sqlGateway().toString());
        }
        return CompletableFuture.completedFuture(response);
    }
}
