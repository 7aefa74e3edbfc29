package dev.registrytokens.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.registrytokens.core.PolicyView;
import dev.registrytokens.core.TokenView;
import dev.registrytokens.json.Json;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Every response the API sends: status, content type and body, and the one place errors become HTTP. */
public final class ApiResponses {
    /** Bodies as the API writes them: a token's {@code secret} only when it has one (the answers to create and reset). */
    private static final ObjectMapper BODIES = Json.MAPPER.copy().addMixIn(TokenView.class, TokenViewBody.class);
    /** Long enough for a throttled or briefly unreachable dependency to recover; short enough for a client to wait. */
    static final String RETRY_AFTER_SECONDS = "2";

    private ApiResponses() {
    }

    private interface TokenViewBody {
        @JsonInclude(JsonInclude.Include.NON_NULL)
        String secret();
    }

    public static APIGatewayV2HTTPResponse json(int status, Object body) {
        return json(status, body, Map.of());
    }

    /** A token, with its version as the ETag for a later If-Match. */
    public static APIGatewayV2HTTPResponse token(int status, TokenView token) {
        return json(status, token, Map.of("ETag", "\"" + token.version() + "\""));
    }

    /** A namespace's policy, with its version as the ETag for a later If-Match (none while it has no policy). */
    public static APIGatewayV2HTTPResponse policy(PolicyView policy) {
        return json(200, policy, policy.version() == 0 ? Map.of() : Map.of("ETag", "\"" + policy.version() + "\""));
    }

    /** A public, cacheable document (keys and certificates). */
    public static APIGatewayV2HTTPResponse document(String contentType, String body) {
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(200)
                .withHeaders(Map.of("Content-Type", contentType, "Cache-Control", "public, max-age=300"))
                .withBody(body)
                .build();
    }

    public static APIGatewayV2HTTPResponse noContent() {
        return APIGatewayV2HTTPResponse.builder().withStatusCode(204).withHeaders(Map.of("Cache-Control", "no-store")).build();
    }

    public static APIGatewayV2HTTPResponse error(ApiException error) {
        return json(error.status(), Map.of("error", errorDetail(error.code(), error.getMessage(), error.field())), headersFor(error));
    }

    /** The project's error object: {@code {"code","message","field"}}, field null when the error names none. */
    private static Map<String, Object> errorDetail(String code, String message, String field) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("code", code);
        detail.put("message", message);
        detail.put("field", field);
        return detail;
    }

    /** 401 names the scheme; 503 (a dependency failed, nothing was changed) says when to try again. */
    private static Map<String, String> headersFor(ApiException error) {
        return switch (error.status()) {
            case 401 -> Map.of("WWW-Authenticate", "Bearer");
            case 503 -> Map.of("Retry-After", RETRY_AFTER_SECONDS);
            default -> Map.of();
        };
    }

    /**
     * An OAuth2 error (RFC 6749 section 5.2): {@code error} is one of its codes, {@code error_description} says why. The
     * project's codes that RFC 6749 does not have become {@code invalid_scope} (too many scopes) or {@code invalid_request}.
     */
    public static APIGatewayV2HTTPResponse oauthError(ApiException error) {
        String code = switch (error.code()) {
            case "invalid_grant", "unsupported_grant_type", "invalid_request" -> error.code();
            case "too_many_scopes" -> "invalid_scope";
            default -> "invalid_request";
        };
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("error_description", error.getMessage());
        return json(error.status(), body, headersFor(error));
    }

    /** 405: the path exists, not with this method; {@code Allow} lists the methods it serves. */
    public static APIGatewayV2HTTPResponse methodNotAllowed(String allowed) {
        return json(405, Map.of("error", errorDetail("method_not_allowed", "This path serves only " + allowed + ".", null)),
                Map.of("Allow", allowed));
    }

    public static APIGatewayV2HTTPResponse internalError() {
        return error(new ApiException(500, "internal_error", "Something went wrong; nothing was changed.", null));
    }

    private static APIGatewayV2HTTPResponse json(int status, Object body, Map<String, String> extraHeaders) {
        Map<String, String> headers = new HashMap<>(extraHeaders);
        headers.put("Content-Type", "application/json");
        // Answers can carry a secret: no cache may keep them.
        headers.put("Cache-Control", "no-store");
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(status)
                .withHeaders(headers)
                .withBody(Json.write(BODIES, body))
                .build();
    }
}
