package dev.registrytokens.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Serves the template's HTTP API routes as API Gateway does: turns each HTTP request into the API Gateway v2
 * (payload 2.0) event that API Gateway would send, runs the route's authorizer first (JWT, or a Lambda REQUEST
 * authorizer in its own runtime), invokes the route's function in its local Lambda runtime, and turns the answer
 * back into HTTP (those translations are {@link GatewayEvents}), with API Gateway's own answers for unmatched routes
 * (404), failed authorization (401/403) and failed functions (500). Applies the API's CORS configuration as API
 * Gateway does ({@link Cors}): answers a preflight itself unless a route matches OPTIONS, and puts the configured CORS
 * headers, never a function's, on every other answer. Writes one access line per request, as API Gateway's access logging does.
 */
final class Gateway implements HttpHandler {
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
                    case JwtAuthorizer.Allowed allowed -> GatewayEvents.authorizedByJwt(event, allowed);
                }
            }
            case Routes.LambdaRequest lambda -> {
                Optional<APIGatewayV2CustomAuthorizerEvent> authorizerEvent = GatewayEvents.authorizerEvent(event, lambda.identityHeaders());
                if (authorizerEvent.isEmpty()) {
                    sendApiGatewayError(exchange, requestId, 401, "Unauthorized");
                    return;
                }
                Optional<Map<String, Object>> context = authorize(lambda.function(), authorizerEvent.get());
                if (context.isEmpty()) {
                    sendApiGatewayError(exchange, requestId, 403, "Forbidden");
                    return;
                }
                GatewayEvents.authorizedByLambda(event, context.get());
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
        GatewayEvents.HttpAnswer answer = GatewayEvents.httpAnswer(response);
        send(exchange, requestId, answer.status(), answer.headers(), answer.body());
    }

    /** Runs a Lambda REQUEST authorizer (payload 2.0, simple responses); empty means denied. */
    private Optional<Map<String, Object>> authorize(String authorizerFunction, APIGatewayV2CustomAuthorizerEvent event) {
        try {
            return GatewayEvents.authorizerContext(functions.invoke(authorizerFunction, event));
        } catch (RuntimeException e) {
            // A failing authorizer denies, as API Gateway does.
            e.printStackTrace();
            return Optional.empty();
        }
    }

    /** The request as API Gateway's event for the matched route (reading the request's body). */
    private static APIGatewayV2HTTPEvent toEvent(HttpExchange exchange, Routes.Match match, String requestId) throws IOException {
        GatewayEvents.HttpRequest request = new GatewayEvents.HttpRequest(exchange.getRequestMethod(),
                exchange.getRequestURI().getRawPath(), exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(),
                exchange.getRequestBody().readAllBytes(), exchange.getRemoteAddress().getAddress().getHostAddress());
        return GatewayEvents.httpEvent(request, match, requestId, Instant.now());
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
