package io.runnel.server.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.http.ApiException;

/** The errors DynamoDB answers with, by the names and texts it uses. */
public final class DynamoDbException {

    private DynamoDbException() {
    }

    public static ApiException validation(String message) {
        return ApiException.validation(message);
    }

    public static ApiException serialization(String message) {
        return ApiException.serialization(message);
    }

    public static ApiException tableNotFound(String table) {
        return ApiException.resourceNotFound("Requested resource not found: Table: " + table + " not found");
    }

    public static ApiException resourceNotFound() {
        return ApiException.resourceNotFound("Requested resource not found");
    }

    public static ApiException tableExists(String table) {
        return ApiException.resourceInUse("Table already exists: " + table);
    }

    /** A condition that did not hold; {@code oldItem}, when asked for, is the item as the condition found it. */
    public static ApiException conditionalCheckFailed(JsonNode oldItem) {
        ApiException e = ApiException.badRequest("ConditionalCheckFailedException", "The conditional request failed");
        return oldItem == null ? e : e.with("Item", oldItem);
    }
}
