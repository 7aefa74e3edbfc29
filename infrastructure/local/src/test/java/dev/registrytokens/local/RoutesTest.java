package dev.registrytokens.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registrytokens.testing.ProjectFiles;
import dev.registrytokens.testing.TemplateResources;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutesTest {
    private final Routes routes = Routes.fromTemplate(TemplateResources.readTemplate(ProjectFiles.template()),
            new TemplateValues(Map.of("JwtIssuer", "http://127.0.0.1:1", "JwtAudience", "aud", "ConsoleClientId", "console"), Map.of()));

    @Test
    void readsEveryManagementRouteFromTheTemplateBehindTheJwtAuthorizer() {
        var reset = routes.match("POST", "/tokens/01kb5x3h8q2m6n4p7r9s0t1v2w/reset").orElseThrow();
        assertEquals("POST /tokens/{id}/reset", reset.route().routeKey());
        assertEquals(Map.of("id", "01kb5x3h8q2m6n4p7r9s0t1v2w"), reset.pathParameters());
        assertEquals("ResetTokenFunction", reset.route().function());
        var jwt = assertInstanceOf(Routes.Jwt.class, reset.route().authorizer());
        assertEquals("http://127.0.0.1:1", jwt.issuer());
        assertEquals(java.util.List.of("aud", "console"), jwt.audiences(), "the console's client id is an audience too");

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
    void unservedMethodsAndUnknownPathsGoToTheUnmatchedRequestFunctionMostSpecificRouteFirst() {
        var put = routes.match("PUT", "/tokens").orElseThrow().route();
        assertEquals("ANY /tokens", put.routeKey());
        assertEquals("UnmatchedRequestFunction", put.function());
        assertEquals("ANY /{proxy+}", routes.match("GET", "/tokens/a/b/c").orElseThrow().route().routeKey());
        assertEquals("GET /tokens", routes.match("GET", "/tokens").orElseThrow().route().routeKey());
    }
}
