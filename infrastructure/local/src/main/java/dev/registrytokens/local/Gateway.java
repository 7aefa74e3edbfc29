package dev.registrytokens.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.registrytokens.http.FormEncoding;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Serves the template's HTTP API routes as API Gateway does: turns each HTTP request into the API Gateway v2
 * (payload 2.0) event that API Gateway would send, runs the route's authorizer first (JWT, or a Lambda REQUEST
 * authorizer in its own runtime), invokes the route's function in its local Lambda runtime, and turns the answer
 * back into HTTP, with API Gateway's own answers for unmatched routes (404), failed authorization (401/403) and
 * failed functions (500). Applies the API's CORS configuration as API Gateway does ({@link Cors}): answers a preflight
 * itself unless a route matches OPTIONS, and puts the configured CORS headers, never a function's, on every other
 * answer. Writes one access line per request, as API Gateway's access logging does.
 */
final class Gateway implements HttpHandler {
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private static final ObjectMapper JSON = new ObjectMapper();
    /** What marks the gateway's access lines among the functions' ({@code [LogicalId] ...}) in the log. */
    static final String ACCESS_LOG_PREFIX = "[gateway] ";

    private final Routes routes;
    private final Optional<Cors> cors;
    private final Map<String, JwtAuthorizer> jwtAuthorizers = new HashMap<>();
    private final LambdaRuntimes functions;
    private final PrintStream accessLog;

    Gateway(Routes routes, Optional<Cors> cors, LambdaRuntimes functions, PrintStream accessLog) {
        this.routes = routes;
        this.cors = cors;
        this.functions = functions;
        this.accessLog = accessLog;
        for (Routes.Route route : routes.all()) {
            if (route.authorizer() instanceof Routes.Jwt jwt && !jwtAuthorizers.containsKey(jwt.name())) {
                JwtAuthorizer authorizer = new JwtAuthorizer(jwt.issuer(), jwt.audiences());
                authorizer.loadKeys();
                jwtAuthorizers.put(jwt.name(), authorizer);
            }
        }
    }

    /**
     * One request's access line: never headers, query strings or bodies, which may carry credentials. {@code status}
     * is -1 when the request failed before any answer (the connection is then closed).
     */
    record AccessLine(String requestId, String method, String path, int status, String sourceIp) {
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String requestId = UUID.randomUUID().toString();
        try (exchange) {
            respond(exchange, requestId);
        } finally {
            if (exchange.getResponseCode() == -1) {
                logAccess(exchange, requestId, -1);
            }
        }
    }

    private void logAccess(HttpExchange exchange, String requestId, int status) throws IOException {
        accessLog.println(ACCESS_LOG_PREFIX + JSON.writeValueAsString(new AccessLine(requestId, exchange.getRequestMethod(),
                exchange.getRequestURI().getRawPath(), status, exchange.getRemoteAddress().getAddress().getHostAddress())));
    }

    private void respond(HttpExchange exchange, String requestId) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        if (exchange.getRequestMethod().equals("OPTIONS") && cors.isPresent() && routes.match("OPTIONS", path).isEmpty()) {
            // A preflight, on any path: API Gateway answers it itself, before any authorizer.
            write(exchange, requestId, 204, cors.get().preflightHeaders(exchange.getRequestHeaders().getFirst("Origin")), new byte[0]);
            return;
        }
        Optional<Routes.Match> match = routes.match(exchange.getRequestMethod(), path);
        if (match.isEmpty()) {
            send(exchange, requestId, 404, Map.of("Content-Type", "application/json"), "{\"message\":\"Not Found\"}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        APIGatewayV2HTTPEvent event = toEvent(exchange, match.get(), requestId);
        Routes.Route route = match.get().route();
        switch (route.authorizer()) {
            case Routes.None none -> {
            }
            case Routes.Jwt jwt -> {
                switch (jwtAuthorizers.get(jwt.name()).authorize(event.getHeaders().get("authorization"), jwt.scopes())) {
                    case JwtAuthorizer.Unauthorized unauthorized -> {
                        sendUnauthorizedBearer(exchange, requestId);
                        return;
                    }
                    case JwtAuthorizer.Forbidden forbidden -> {
                        sendInsufficientScope(exchange, requestId, jwt.scopes());
                        return;
                    }
                    case JwtAuthorizer.Allowed allowed -> event.getRequestContext().setAuthorizer(
                            APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                                    .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder().withClaims(allowed.claims())
                                            .withScopes(allowed.scopes().isEmpty() ? null : allowed.scopes()).build()).build());
                }
            }
            case Routes.LambdaRequest lambda -> {
                if (lambda.identityHeaders().stream().anyMatch(h -> event.getHeaders().get(h.toLowerCase()) == null)) {
                    sendApiGatewayError(exchange, requestId, 401, "Unauthorized");
                    return;
                }
                Optional<Map<String, Object>> context = authorize(lambda, event);
                if (context.isEmpty()) {
                    sendApiGatewayError(exchange, requestId, 403, "Forbidden");
                    return;
                }
                event.getRequestContext().setAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                        .withLambda(context.get()).build());
            }
        }
        JsonNode response;
        try {
            response = functions.invoke(route.function(), event);
        } catch (RuntimeException e) {
            // A failed Lambda integration: API Gateway answers 500 with its own body.
            e.printStackTrace();
            sendApiGatewayError(exchange, requestId, 500, "Internal Server Error");
            return;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        response.path("headers").properties().forEach(header -> headers.put(header.getKey(), header.getValue().asText()));
        String responseBody = response.path("body").isTextual() ? response.get("body").asText() : null;
        byte[] body = responseBody == null ? new byte[0]
                : response.path("isBase64Encoded").asBoolean() ? Base64.getDecoder().decode(responseBody)
                : responseBody.getBytes(StandardCharsets.UTF_8);
        send(exchange, requestId, response.path("statusCode").asInt(500), headers, body);
    }

    /** Runs a Lambda REQUEST authorizer (payload 2.0, simple responses); empty means denied. */
    private Optional<Map<String, Object>> authorize(Routes.LambdaRequest lambda, APIGatewayV2HTTPEvent request) {
        APIGatewayV2CustomAuthorizerEvent event = APIGatewayV2CustomAuthorizerEvent.builder()
                .withVersion("2.0")
                .withType("REQUEST")
                .withRouteArn("arn:aws:execute-api:local:000000000000:local/$default/" + request.getRequestContext().getHttp().getMethod()
                        + request.getRawPath())
                .withIdentitySource(lambda.identityHeaders().stream().map(h -> request.getHeaders().get(h.toLowerCase())).toList())
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
                .build();
        try {
            JsonNode answer = functions.invoke(lambda.function(), event);
            if (!answer.path("isAuthorized").asBoolean(false)) {
                return Optional.empty();
            }
            Map<String, Object> context = new LinkedHashMap<>();
            answer.path("context").properties().forEach(e -> context.put(e.getKey(), e.getValue().asText()));
            return Optional.of(context);
        } catch (RuntimeException e) {
            // A failing authorizer denies, as API Gateway does.
            e.printStackTrace();
            return Optional.empty();
        }
    }

    private static APIGatewayV2HTTPEvent toEvent(HttpExchange exchange, Routes.Match match, String requestId) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
        String rawQuery = exchange.getRequestURI().getRawQuery() == null ? "" : exchange.getRequestURI().getRawQuery();
        Map<String, String> query = parseQuery(rawQuery);
        byte[] body = exchange.getRequestBody().readAllBytes();
        String contentType = headers.getOrDefault("content-type", "");
        boolean text = contentType.isEmpty() || contentType.startsWith("text/") || contentType.contains("json")
                || contentType.contains("xml") || contentType.contains("x-www-form-urlencoded");
        Instant now = Instant.now();
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        String sourceIp = exchange.getRemoteAddress().getAddress().getHostAddress();
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(match.route().routeKey())
                .withRawPath(path)
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
                                .withMethod(method).withPath(path).withProtocol("HTTP/1.1")
                                .withSourceIp(sourceIp).withUserAgent(headers.get("user-agent")).build())
                        .build())
                .build();
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

    /**
     * API Gateway's own 401 body ({@code {"message":"Unauthorized"}}) plus the project's error object, so
     * that local clients see the error shape every other failure has. Deployed, API Gateway sends only the former.
     */
    private void sendUnauthorizedBearer(HttpExchange exchange, String requestId) throws IOException {
        send(exchange, requestId, 401, Map.of("Content-Type", "application/json", "WWW-Authenticate", "Bearer"),
                ("{\"message\":\"Unauthorized\",\"error\":{\"code\":\"unauthorized\","
                        + "\"message\":\"A valid bearer token is required.\",\"field\":null}}").getBytes(StandardCharsets.UTF_8));
    }

    /** API Gateway's own 403 body plus the project's error object, as for 401. */
    private void sendInsufficientScope(HttpExchange exchange, String requestId, List<String> scopes) throws IOException {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", "forbidden");
        error.put("message", "The bearer token carries none of the scopes this route requires (" + String.join(", ", scopes)
                + "): an access token granted one is required, not an ID token.");
        error.put("field", null);
        send(exchange, requestId, 403, Map.of("Content-Type", "application/json"),
                JSON.writeValueAsBytes(Map.of("message", "Forbidden", "error", error)));
    }

    private void sendApiGatewayError(HttpExchange exchange, String requestId, int status, String message) throws IOException {
        send(exchange, requestId, status, Map.of("Content-Type", "application/json"),
                ("{\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    /** An answer with the API's CORS headers in place of any the function sent. */
    private void send(HttpExchange exchange, String requestId, int status, Map<String, String> headers, byte[] body) throws IOException {
        Map<String, String> answered = new LinkedHashMap<>();
        headers.forEach((name, value) -> {
            if (!Cors.isCorsHeader(name)) {
                answered.put(name, value);
            }
        });
        cors.ifPresent(configuration -> answered.putAll(configuration.responseHeaders(exchange.getRequestHeaders().getFirst("Origin"))));
        write(exchange, requestId, status, answered, body);
    }

    /** Logs the request first, so its line is in the log before the client has the answer. */
    private void write(HttpExchange exchange, String requestId, int status, Map<String, String> headers, byte[] body) throws IOException {
        logAccess(exchange, requestId, status);
        headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        boolean empty = body.length == 0 || status == 204 || exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, empty ? -1 : body.length);
        if (!empty) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    static List<String> describe(Routes routes) {
        return routes.all().stream().map(r -> r.routeKey() + "  -> " + r.function()
                + " [" + r.authorizer().getClass().getSimpleName() + "]").toList();
    }
}
