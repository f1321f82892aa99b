package io.runnel.server.http;

/** An error the API returns to the caller: an AWS exception type, an HTTP status and a message. */
public final class ApiException extends RuntimeException {

    private final String type;
    private final int status;
    /** Members the error carries beside its type and message, such as the item a failed condition found; or null. */
    private com.fasterxml.jackson.databind.node.ObjectNode details;

    public ApiException(String type, int status, String message) {
        super(message, null, false, false);
        this.type = type;
        this.status = status;
    }

    public static ApiException badRequest(String type, String message) {
        return new ApiException(type, 400, message);
    }

    public static ApiException validation(String message) {
        return badRequest("ValidationException", message);
    }

    public static ApiException serialization(String message) {
        return badRequest("SerializationException", message);
    }

    public static ApiException invalidArgument(String message) {
        return badRequest("InvalidArgumentException", message);
    }

    public static ApiException resourceNotFound(String message) {
        return badRequest("ResourceNotFoundException", message);
    }

    public static ApiException resourceInUse(String message) {
        return badRequest("ResourceInUseException", message);
    }

    public static ApiException limitExceeded(String message) {
        return badRequest("LimitExceededException", message);
    }

    public static ApiException internal(String message) {
        return new ApiException("InternalFailure", 500, message);
    }

    /** Adds a member to the error's body. */
    public ApiException with(String member, com.fasterxml.jackson.databind.JsonNode value) {
        if (details == null) {
            details = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        }
        details.set(member, value);
        return this;
    }

    public com.fasterxml.jackson.databind.node.ObjectNode details() {
        return details;
    }

    public String type() {
        return type;
    }

    public int status() {
        return status;
    }
}
