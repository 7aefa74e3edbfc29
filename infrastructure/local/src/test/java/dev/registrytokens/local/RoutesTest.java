package dev.registrytokens.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registrytokens.testkit.ProjectFiles;
import dev.registrytokens.testkit.TemplateResources;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutesTest {
    private final Routes routes = Routes.fromTemplate(TemplateResources.readTemplate(ProjectFiles.template()),
            new TemplateValues(Map.of("JwtIssuer", "http://127.0.0.1:1", "JwtAudience", "aud", "ConsoleClientId", "console",
                    "ManagementScope", "registry-tokens/manage"), Map.of()));

    @Test
    void readsEveryManagementRouteFromTheTemplateBehindTheJwtAuthorizer() {
        var reset = routes.match("POST", "/tokens/01kb5x3h8q2m6n4p7r9s0t1v2w/reset").orElseThrow();
        assertEquals("POST /tokens/{id}/reset", reset.route().routeKey());
        assertEquals(Map.of("id", "01kb5x3h8q2m6n4p7r9s0t1v2w"), reset.pathParameters());
        assertEquals("ResetTokenFunction", reset.route().function());
        var jwt = assertInstanceOf(Routes.Jwt.class, reset.route().authorizer());
        assertEquals("http://127.0.0.1:1", jwt.issuer());
        assertEquals(java.util.List.of("aud", "console"), jwt.audiences(), "the console's client id is an audience too");
        assertEquals(java.util.List.of("registry-tokens/manage"), jwt.scopes(), "the authorizer's scopes, on every route it guards");

        assertEquals("GET /tokens", routes.match("GET", "/tokens").orElseThrow().route().routeKey());
        assertEquals("DELETE /tokens/{id}", routes.match("DELETE", "/tokens/x").orElseThrow().route().routeKey());
    }

    @Test
    void putsTheTokenEndpointBehindTheRegistryAuthorizerAndTheKeysInTheOpen() {
        var token = routes.match("GET", "/v2/token").orElseThrow().route();
        var authorizer = assertInstanceOf(Routes.LambdaRequest.class, token.authorizer());
        assertEquals("RegistryAuthorizerFunction", authorizer.function());
        assertEquals(java.util.List.of("Authorization"), authorizer.identityHeaders());
        assertInstanceOf(Routes.None.class, routes.match("GET", "/.well-known/jwks.json").orElseThrow().route().authorizer());
        assertInstanceOf(Routes.None.class, routes.match("GET", "/certs.pem").orElseThrow().route().authorizer());
    }

    @Test
    void unservedMethodsAndUnknownPathsGoToTheUnmatchedRequestFunctionButNoRouteTakesOptions() {
        var put = routes.match("PUT", "/tokens").orElseThrow().route();
        assertEquals("PUT /tokens", put.routeKey());
        assertEquals("UnmatchedRequestFunction", put.function());
        assertEquals("HEAD /namespaces/{namespace}/tokens/{id}", routes.match("HEAD", "/namespaces/a/tokens/b").orElseThrow().route().routeKey());
        assertEquals("GET /{proxy+}", routes.match("GET", "/tokens/a/b/c").orElseThrow().route().routeKey());
        assertEquals("GET /tokens", routes.match("GET", "/tokens").orElseThrow().route().routeKey());
        for (String path : java.util.List.of("/tokens", "/namespaces/a/tokens/b", "/nothing/here")) {
            assertTrue(routes.match("OPTIONS", path).isEmpty(), "API Gateway answers the preflight to " + path);
        }
    }

    @Test
    void picksTheExactPathBeforeTheGreedyOneAndThenTheMethodBeforeAny() {
        Routes routes = Routes.fromTemplate(dev.registrytokens.json.Json.MAPPER.valueToTree(Map.of("Resources", Map.of(
                "Api", Map.of("Type", "AWS::Serverless::HttpApi", "Properties", Map.of()),
                "Fn", Map.of("Type", "AWS::Serverless::Function", "Properties", Map.of("Events", Map.of(
                        "AnyExact", event("ANY", "/a"), "GetExact", event("GET", "/a/b"), "AnyAB", event("ANY", "/a/b"),
                        "GetGreedy", event("GET", "/{proxy+}"), "AnyGreedy", event("ANY", "/{proxy+}"))))))),
                new TemplateValues(Map.of(), Map.of()));
        assertEquals("ANY /a", routes.match("GET", "/a").orElseThrow().route().routeKey(), "an exact path, even with ANY");
        assertEquals("GET /a/b", routes.match("GET", "/a/b").orElseThrow().route().routeKey());
        assertEquals("ANY /a/b", routes.match("POST", "/a/b").orElseThrow().route().routeKey());
        assertEquals("GET /{proxy+}", routes.match("GET", "/c").orElseThrow().route().routeKey());
        assertEquals("ANY /{proxy+}", routes.match("OPTIONS", "/c").orElseThrow().route().routeKey(), "ANY takes OPTIONS too");
    }

    private static Map<String, Object> event(String method, String path) {
        return Map.of("Type", "HttpApi", "Properties", Map.of("Method", method, "Path", path, "Auth", Map.of("Authorizer", "NONE")));
    }
}
