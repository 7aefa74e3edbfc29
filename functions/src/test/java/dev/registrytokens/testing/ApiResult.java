package dev.registrytokens.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.registrytokens.testkit.OpenApiContract;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.Map;

/**
 * A handler's answer, with its body parsed; every secret it carries is remembered for the leak check, and every
 * answer must be one the OpenAPI document describes for its route.
 */
public record ApiResult(int status, Map<String, String> headers, JsonNode body) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code routeKey} is the request's, as API Gateway names it: {@code GET /tokens/{id}}. */
    static ApiResult of(String routeKey, APIGatewayV2HTTPResponse response) {
        String[] route = routeKey.split(" ", 2);
        OpenApiContract.assertDescribes(route[0], route[1], response.getStatusCode(),
                response.getHeaders() == null ? Map.of() : response.getHeaders(), response.getBody());
        JsonNode body = MissingNode.getInstance();
        if (response.getBody() != null) {
            try {
                body = JSON.readTree(response.getBody());
            } catch (JsonProcessingException e) {
                throw new AssertionError("response body is not JSON: " + response.getBody(), e);
            }
        }
        if (body.hasNonNull("secret")) {
            IssuedSecrets.remember(body.get("secret").asText());
        }
        return new ApiResult(response.getStatusCode(), response.getHeaders() == null ? Map.of() : response.getHeaders(), body);
    }

    /** Asserts the status and the error body {"error":{"code","message","field"}}. */
    public ApiResult assertError(int expectedStatus, String expectedCode, String expectedField) {
        assertEquals(expectedStatus, status, () -> "status; body " + body);
        JsonNode error = body.path("error");
        assertEquals(expectedCode, error.path("code").asText(null), () -> "code; body " + body);
        assertEquals(expectedField, error.path("field").isNull() ? null : error.path("field").asText(null), () -> "field; body " + body);
        if (error.path("message").asText("").isBlank()) {
            throw new AssertionError("error without a message: " + body);
        }
        assertEquals("application/json", headers.get("Content-Type"));
        return this;
    }

    /** Asserts a 503 service_unavailable that says, in Retry-After, how many seconds to wait. */
    public ApiResult assertUnavailable() {
        assertError(503, "service_unavailable", null);
        String retryAfter = headers.get("Retry-After");
        if (retryAfter == null || !retryAfter.matches("[1-9][0-9]*")) {
            throw new AssertionError("503 without a Retry-After in seconds: " + headers);
        }
        return this;
    }

    public ApiResult assertStatus(int expectedStatus) {
        assertEquals(expectedStatus, status, () -> "status; body " + body);
        return this;
    }

    public String id() {
        return body.path("id").asText();
    }

    public long version() {
        return body.path("version").asLong();
    }
}
