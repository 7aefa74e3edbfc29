package dev.registrytokens.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.registrytokens.testkit.ProjectFiles;
import dev.registrytokens.testkit.TemplateResources;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The local gateway's translations, against the project's real-shaped events (events/*.json): the request each event
 * file stands for, translated, is that file, but for what names the deployment (account, API id, domain prefix).
 */
class GatewayEventsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What differs between the local API and a deployed one by what it is, not by the request. */
    private static final Set<String> DEPLOYMENT_FIELDS = Set.of("/requestContext/accountId", "/requestContext/apiId",
            "/requestContext/domainPrefix");
    private final Routes routes = Routes.fromTemplate(TemplateResources.readTemplate(ProjectFiles.template()),
            new TemplateValues(Map.of("JwtIssuer", "http://127.0.0.1:1", "JwtAudience", "aud", "ConsoleClientId", "console",
                    "ManagementScope", "registry-tokens/manage"), Map.of()));

    /** The event files of HTTP routes (payload 2.0); not the authorizer's, nor those of custom resources. */
    static Stream<String> routeEventFiles() throws IOException {
        try (Stream<Path> files = Files.list(ProjectFiles.event("jwks.json").getParent())) {
            return files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".json")).sorted()
                    .filter(name -> {
                        JsonNode event = read(name);
                        return event.has("routeKey") && !event.has("type");
                    }).toList().stream();
        }
    }

    private static JsonNode read(String eventFile) {
        try {
            return JSON.readTree(ProjectFiles.event(eventFile).toFile());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The request an event file stands for, as the gateway's HTTP server hands it over (header names capitalized). */
    private static GatewayEvents.HttpRequest requestOf(JsonNode event) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        event.path("headers").properties().forEach(header -> headers.put(
                Character.toUpperCase(header.getKey().charAt(0)) + header.getKey().substring(1), List.of(header.getValue().asText())));
        String rawQuery = event.path("rawQueryString").asText();
        return new GatewayEvents.HttpRequest(event.at("/requestContext/http/method").asText(), event.path("rawPath").asText(),
                rawQuery.isEmpty() ? null : rawQuery, headers, body(event), event.at("/requestContext/http/sourceIp").asText());
    }

    /** An event's body as bytes: what the function reads, however it was passed. */
    private static byte[] body(JsonNode event) {
        if (!event.path("body").isTextual()) {
            return new byte[0];
        }
        String body = event.get("body").asText();
        return event.path("isBase64Encoded").asBoolean() ? Base64.getDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8);
    }

    private APIGatewayV2HTTPEvent translate(JsonNode eventFile) {
        GatewayEvents.HttpRequest request = requestOf(eventFile);
        Routes.Match match = routes.match(request.method(), request.rawPath()).orElseThrow();
        return GatewayEvents.httpEvent(request, match, eventFile.at("/requestContext/requestId").asText(),
                Instant.ofEpochMilli(eventFile.at("/requestContext/timeEpoch").asLong()));
    }

    @SuppressWarnings("unchecked")
    private static <T> JsonNode serialized(T event) throws IOException {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        LambdaEventSerializers.serializerFor((Class<T>) event.getClass(), GatewayEventsTest.class.getClassLoader()).toJson(event, json);
        return JSON.readTree(json.toByteArray());
    }

    /** Every non-null value of a JSON tree by its JSON pointer. */
    private static Map<String, JsonNode> leaves(JsonNode node) {
        Map<String, JsonNode> leaves = new TreeMap<>();
        collect("", node, leaves);
        return leaves;
    }

    private static void collect(String pointer, JsonNode node, Map<String, JsonNode> leaves) {
        if (node.isObject()) {
            node.properties().forEach(field -> collect(pointer + "/" + field.getKey(), field.getValue(), leaves));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collect(pointer + "/" + i, node.get(i), leaves);
            }
        } else if (!node.isNull()) {
            leaves.put(pointer, node);
        }
    }

    /**
     * The translation has exactly the file's fields, with the file's values, except the deployment's names and the
     * body, compared as the bytes the function reads.
     */
    private static void assertSameEvent(JsonNode expected, JsonNode actual, Set<String> comparedOtherwise) {
        Map<String, JsonNode> expectedLeaves = leaves(expected);
        Map<String, JsonNode> actualLeaves = leaves(actual);
        assertEquals(expectedLeaves.keySet(), actualLeaves.keySet(), "the event's fields");
        List<String> differences = new ArrayList<>();
        expectedLeaves.forEach((pointer, value) -> {
            if (!DEPLOYMENT_FIELDS.contains(pointer) && !comparedOtherwise.contains(pointer) && !value.equals(actualLeaves.get(pointer))) {
                differences.add(pointer + ": " + value + " in the file, " + actualLeaves.get(pointer) + " translated");
            }
        });
        assertEquals(List.of(), differences);
        assertArrayEquals(body(expected), body(actual), "the body the function reads");
    }

    @ParameterizedTest
    @MethodSource("routeEventFiles")
    void aRequestBecomesTheEventOfItsEventFile(String eventFile) throws IOException {
        JsonNode expected = read(eventFile);
        APIGatewayV2HTTPEvent event = translate(expected);
        // What the route's authorizer adds, as the file has it (the authorizers' own parts are tested below).
        JsonNode authorizer = expected.at("/requestContext/authorizer");
        if (authorizer.has("jwt")) {
            Map<String, String> claims = new LinkedHashMap<>();
            authorizer.at("/jwt/claims").properties().forEach(claim -> claims.put(claim.getKey(), claim.getValue().asText()));
            List<String> scopes = new ArrayList<>();
            authorizer.at("/jwt/scopes").forEach(scope -> scopes.add(scope.asText()));
            GatewayEvents.authorizedByJwt(event, new JwtAuthorizer.Allowed(claims, scopes));
        } else if (authorizer.has("lambda")) {
            GatewayEvents.authorizedByLambda(event, JSON.convertValue(authorizer.get("lambda"), Map.class));
        }
        // The local gateway passes form bodies as text, where the file has base64: the same bytes either way.
        assertSameEvent(expected, serialized(event), Set.of("/body", "/isBase64Encoded"));
        if (!expected.path("headers").path("content-type").asText().contains("x-www-form-urlencoded")) {
            assertEquals(expected.path("isBase64Encoded").asBoolean(), event.getIsBase64Encoded());
        }
    }

    @Test
    void theRegistryAuthorizersEventIsItsEventFileMadeFromTheTokenRoutesRequest() throws IOException {
        JsonNode expected = read("registry-authorizer.json");
        APIGatewayV2HTTPEvent request = translate(expected);
        var authorizer = assertInstanceOf(Routes.LambdaRequest.class,
                routes.match("GET", expected.path("rawPath").asText()).orElseThrow().route().authorizer());
        APIGatewayV2CustomAuthorizerEvent event = GatewayEvents.authorizerEvent(request, authorizer.identityHeaders()).orElseThrow();
        JsonNode actual = serialized(event);
        assertSameEvent(expected, actual, Set.of("/routeArn", "/requestContext/time", "/requestContext/timeEpoch"));
        String routeArn = expected.path("routeArn").asText();
        // arn:aws:execute-api:REGION:ACCOUNT:API-ID/STAGE/METHOD/PATH: the deployment's names, then the request's.
        assertEquals(routeArn.substring(routeArn.indexOf('/')), event.getRouteArn().substring(event.getRouteArn().indexOf('/')));
        // The events library's authorizer type writes its time as ISO 8601 and its epoch in seconds, unlike API Gateway;
        // the same instant all the same (the authorizer reads neither).
        Instant received = Instant.ofEpochMilli(expected.at("/requestContext/timeEpoch").asLong());
        assertEquals(received, Instant.parse(actual.at("/requestContext/time").asText()));
        assertEquals(received.getEpochSecond(), actual.at("/requestContext/timeEpoch").asDouble());
    }

    @Test
    void aRequestWithoutAnIdentityHeaderGetsNoAuthorizerEvent() {
        JsonNode file = read("registry-authorizer.json");
        APIGatewayV2HTTPEvent request = translate(file);
        request.setHeaders(Map.of("host", "127.0.0.1"));
        assertEquals(Optional.empty(), GatewayEvents.authorizerEvent(request, List.of("Authorization")));
    }

    @Test
    void repeatedHeadersAreJoinedWithCommasUnderLowercaseNames() {
        APIGatewayV2HTTPEvent event = GatewayEvents.httpEvent(new GatewayEvents.HttpRequest("GET", "/tokens", null,
                Map.of("Accept", List.of("application/json", "text/plain")), new byte[0], "127.0.0.1"),
                routes.match("GET", "/tokens").orElseThrow(), "r", Instant.EPOCH);
        assertEquals(Map.of("accept", "application/json,text/plain"), event.getHeaders());
        assertEquals("", event.getRawQueryString());
        assertEquals(null, event.getBody());
        assertFalse(event.getIsBase64Encoded());
    }

    @Test
    void aBodyThatIsNotTextIsPassedBase64Encoded() {
        byte[] bytes = {0, 1, 2, (byte) 0xff};
        APIGatewayV2HTTPEvent event = GatewayEvents.httpEvent(new GatewayEvents.HttpRequest("POST", "/tokens", null,
                Map.of("Content-Type", List.of("application/octet-stream")), bytes, "127.0.0.1"),
                routes.match("POST", "/tokens").orElseThrow(), "r", Instant.EPOCH);
        assertTrue(event.getIsBase64Encoded());
        assertArrayEquals(bytes, Base64.getDecoder().decode(event.getBody()));
    }

    @Test
    void aQueryThatIsNotUrlEncodingPassesOnlyAsTheRawQueryString() {
        APIGatewayV2HTTPEvent event = GatewayEvents.httpEvent(new GatewayEvents.HttpRequest("GET", "/tokens", "limit=%zz",
                Map.of(), new byte[0], "127.0.0.1"), routes.match("GET", "/tokens").orElseThrow(), "r", Instant.EPOCH);
        assertEquals("limit=%zz", event.getRawQueryString());
        assertEquals(null, event.getQueryStringParameters());
    }

    @Test
    void aLambdaAuthorizersSimpleResponseAllowsWithItsContextOrDenies() throws IOException {
        assertEquals(Optional.of(Map.of("tokenId", "t", "namespace", "acme")), GatewayEvents.authorizerContext(
                JSON.readTree("{\"isAuthorized\":true,\"context\":{\"tokenId\":\"t\",\"namespace\":\"acme\"}}")));
        assertEquals(Optional.of(Map.of()), GatewayEvents.authorizerContext(JSON.readTree("{\"isAuthorized\":true}")));
        assertEquals(Optional.empty(), GatewayEvents.authorizerContext(JSON.readTree("{\"isAuthorized\":false,\"context\":{\"a\":\"b\"}}")));
        assertEquals(Optional.empty(), GatewayEvents.authorizerContext(JSON.readTree("{}")), "no decision is a denial");
    }

    @Test
    void aFunctionsResponseBecomesItsStatusHeadersAndBodyWithABase64BodyDecoded() throws IOException {
        GatewayEvents.HttpAnswer text = GatewayEvents.httpAnswer(JSON.readTree(
                "{\"statusCode\":201,\"headers\":{\"Content-Type\":\"application/json\"},\"body\":\"{}\",\"isBase64Encoded\":false}"));
        assertEquals(201, text.status());
        assertEquals(Map.of("Content-Type", "application/json"), text.headers());
        assertArrayEquals("{}".getBytes(StandardCharsets.UTF_8), text.body());
        GatewayEvents.HttpAnswer binary = GatewayEvents.httpAnswer(JSON.readTree("{\"statusCode\":200,\"body\":\"AAH/\",\"isBase64Encoded\":true}"));
        assertArrayEquals(new byte[] {0, 1, (byte) 0xff}, binary.body());
        GatewayEvents.HttpAnswer none = GatewayEvents.httpAnswer(JSON.readTree("{}"));
        assertEquals(500, none.status(), "no status code: API Gateway's 500");
        assertArrayEquals(new byte[0], none.body());
    }
}
