package dev.registrytokens.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.registrytokens.http.FormEncoding;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What API Gateway (HTTP API, payload format 2.0) makes of a request for its functions, and of their answers for the
 * client: pure functions of their inputs, for {@link Gateway} to dispatch with.
 */
final class GatewayEvents {
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private GatewayEvents() {
    }

    /**
     * A request as it reached the gateway: {@code headers} as received (names in any case, each with its values),
     * {@code rawQuery} null when there is none, {@code sourceIp} the TCP peer's address.
     */
    record HttpRequest(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body,
                       String sourceIp) {
    }

    /** A function's answer as the client gets it (before the API's CORS headers). */
    record HttpAnswer(int status, Map<String, String> headers, byte[] body) {
    }

    /**
     * The event for the route's function: header names lowercased and repeated values joined with commas, the query
     * decoded ({@link #parseQuery}), a text body as it came and any other base64-encoded, received at {@code now}.
     */
    static APIGatewayV2HTTPEvent httpEvent(HttpRequest request, Routes.Match match, String requestId, Instant now) {
        Map<String, String> headers = new LinkedHashMap<>();
        request.headers().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
        String rawQuery = request.rawQuery() == null ? "" : request.rawQuery();
        Map<String, String> query = parseQuery(rawQuery);
        byte[] body = request.body();
        String contentType = headers.getOrDefault("content-type", "");
        boolean text = contentType.isEmpty() || contentType.startsWith("text/") || contentType.contains("json")
                || contentType.contains("xml") || contentType.contains("x-www-form-urlencoded");
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(match.route().routeKey())
                .withRawPath(request.rawPath())
                .withRawQueryString(rawQuery)
                .withHeaders(headers)
                .withQueryStringParameters(query.isEmpty() ? null : query)
                .withPathParameters(match.pathParameters().isEmpty() ? null : match.pathParameters())
                .withBody(body.length == 0 ? null : text ? new String(body, StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(body))
                .withIsBase64Encoded(body.length > 0 && !text)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withAccountId("000000000000")
                        .withApiId("local")
                        .withDomainName(headers.getOrDefault("host", "127.0.0.1"))
                        .withDomainPrefix("local")
                        .withRequestId(requestId)
                        .withRouteKey(match.route().routeKey())
                        .withStage("$default")
                        .withTime(REQUEST_TIME.format(now))
                        .withTimeEpoch(now.toEpochMilli())
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(request.method()).withPath(request.rawPath()).withProtocol("HTTP/1.1")
                                .withSourceIp(request.sourceIp()).withUserAgent(headers.get("user-agent")).build())
                        .build())
                .build();
    }

    /**
     * The event for a route's Lambda REQUEST authorizer (payload 2.0), made from the route's own event; empty when
     * the request lacks one of the identity headers, which API Gateway answers 401 without calling the authorizer.
     */
    static Optional<APIGatewayV2CustomAuthorizerEvent> authorizerEvent(APIGatewayV2HTTPEvent request, List<String> identityHeaders) {
        List<String> identity = identityHeaders.stream().map(h -> request.getHeaders().get(h.toLowerCase(Locale.ROOT))).toList();
        if (identity.contains(null)) {
            return Optional.empty();
        }
        return Optional.of(APIGatewayV2CustomAuthorizerEvent.builder()
                .withVersion("2.0")
                .withType("REQUEST")
                .withRouteArn("arn:aws:execute-api:local:000000000000:local/$default/" + request.getRequestContext().getHttp().getMethod()
                        + request.getRawPath())
                .withIdentitySource(identity)
                .withRouteKey(request.getRouteKey())
                .withRawPath(request.getRawPath())
                .withRawQueryString(request.getRawQueryString())
                .withHeaders(request.getHeaders())
                .withQueryStringParameters(request.getQueryStringParameters())
                .withPathParameters(request.getPathParameters())
                .withRequestContext(APIGatewayV2CustomAuthorizerEvent.RequestContext.builder()
                        .withAccountId("000000000000")
                        .withApiId("local")
                        .withDomainName(request.getRequestContext().getDomainName())
                        .withDomainPrefix(request.getRequestContext().getDomainPrefix())
                        .withRequestId(request.getRequestContext().getRequestId())
                        .withRouteKey(request.getRouteKey())
                        .withStage("$default")
                        .withTime(request.getRequestContext().getTime())
                        .withTimeEpoch(request.getRequestContext().getTimeEpoch())
                        .withHttp(APIGatewayV2CustomAuthorizerEvent.Http.builder()
                                .withMethod(request.getRequestContext().getHttp().getMethod())
                                .withPath(request.getRawPath())
                                .withProtocol("HTTP/1.1")
                                .withSourceIp(request.getRequestContext().getHttp().getSourceIp())
                                .withUserAgent(request.getHeaders().get("user-agent")).build())
                        .build())
                .build());
    }

    /** A Lambda authorizer's simple response: the context it passes on, or empty when it denies. */
    static Optional<Map<String, Object>> authorizerContext(JsonNode answer) {
        if (!answer.path("isAuthorized").asBoolean(false)) {
            return Optional.empty();
        }
        Map<String, Object> context = new LinkedHashMap<>();
        answer.path("context").properties().forEach(e -> context.put(e.getKey(), e.getValue().asText()));
        return Optional.of(context);
    }

    /** What a Lambda authorizer allowed, on the route's event. */
    static void authorizedByLambda(APIGatewayV2HTTPEvent event, Map<String, Object> context) {
        event.getRequestContext().setAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder().withLambda(context).build());
    }

    /** What the JWT authorizer verified, on the route's event: the token's claims, and its scopes (null for none). */
    static void authorizedByJwt(APIGatewayV2HTTPEvent event, JwtAuthorizer.Allowed allowed) {
        event.getRequestContext().setAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder().withClaims(allowed.claims())
                        .withScopes(allowed.scopes().isEmpty() ? null : allowed.scopes()).build()).build());
    }

    /** A function's response (payload 2.0) as the client's answer: a missing status is 500, a base64 body decoded. */
    static HttpAnswer httpAnswer(JsonNode response) {
        Map<String, String> headers = new LinkedHashMap<>();
        response.path("headers").properties().forEach(header -> headers.put(header.getKey(), header.getValue().asText()));
        String responseBody = response.path("body").isTextual() ? response.get("body").asText() : null;
        byte[] body = responseBody == null ? new byte[0]
                : response.path("isBase64Encoded").asBoolean() ? Base64.getDecoder().decode(responseBody)
                : responseBody.getBytes(StandardCharsets.UTF_8);
        return new HttpAnswer(response.path("statusCode").asInt(500), headers, body);
    }

    /**
     * Query parameters as API Gateway passes them: decoded, repeated names joined with commas. None for text that is not
     * valid URL encoding: the functions read the raw query string and refuse it with a 400.
     */
    static Map<String, String> parseQuery(String rawQuery) {
        Map<String, String> query = new LinkedHashMap<>();
        try {
            FormEncoding.decode(rawQuery).forEach((name, values) -> query.put(name, String.join(",", values)));
        } catch (FormEncoding.Malformed e) {
            return Map.of();
        }
        return query;
    }
}
