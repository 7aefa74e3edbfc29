package dev.registrytokens.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The dev issuer's {@code GET /token}, which ./dev token calls: exactly the claims asked for. */
@Tag("machine")
class DevIssuerTest {
    private static final String SCOPE = JwtAuthorizerTest.SCOPE;
    private static DevIssuer issuer;
    private static JwtAuthorizer authorizer;

    @BeforeAll
    static void startIssuer() throws Exception {
        issuer = DevIssuer.start(0, "registry-tokens-test", SCOPE, new DevIssuer.Client("console", "http://127.0.0.1:1/console/"));
        authorizer = new JwtAuthorizer(issuer.issuer(), List.of("registry-tokens-test"));
        authorizer.loadKeys();
    }

    @AfterAll
    static void stopIssuer() {
        issuer.server().stop(0);
    }

    private static HttpResponse<String> token(String query) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create(issuer.issuer() + "/token?" + query)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    private static Map<String, String> claims(String query) throws Exception {
        HttpResponse<String> answer = token(query);
        assertEquals(200, answer.statusCode(), answer.body());
        return authorizer.verify("Bearer " + answer.body().strip()).orElseThrow();
    }

    private static String encoded(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    @Test
    void namespacesGoIntoTheRegistryNamespacesClaimAsOneString() throws Exception {
        Map<String, String> claims = claims("sub=alice&namespaces=" + encoded("acme:owner  widgets:viewer"));
        assertEquals("alice", claims.get("sub"));
        assertEquals("acme:owner widgets:viewer", claims.get("registry_namespaces"));
        assertFalse(claims.containsKey("namespace"));
    }

    @Test
    void theNamespaceClaimOnlyWhenAskedForAndBothTogether() throws Exception {
        assertFalse(claims("sub=alice").containsKey("namespace"));
        assertFalse(claims("sub=alice").containsKey("registry_namespaces"));
        Map<String, String> both = claims("sub=alice&namespace=alice&namespaces=" + encoded("acme:member"));
        assertEquals("alice", both.get("namespace"));
        assertEquals("acme:member", both.get("registry_namespaces"));
        assertFalse(claims("sub=alice&namespaces=").containsKey("registry_namespaces"), "empty memberships are none");
    }

    @Test
    void mintsAccessTokensWithTheManagementScopeThatAManagementRouteAccepts() throws Exception {
        HttpResponse<String> answer = token("sub=alice&namespace=alice");
        assertEquals(200, answer.statusCode(), answer.body());
        var allowed = assertInstanceOf(JwtAuthorizer.Allowed.class, authorizer.authorize("Bearer " + answer.body().strip(), List.of(SCOPE)));
        assertEquals(SCOPE, allowed.claims().get("scope"));
        assertEquals(List.of(SCOPE), allowed.scopes());
    }

    @Test
    void malformedNamespacesAre400WithTheRule() throws Exception {
        for (String memberships : List.of("acme", "acme:admin", "acme:owner,widgets:viewer", ":owner", "ACME:owner")) {
            HttpResponse<String> answer = token("sub=alice&namespaces=" + encoded(memberships));
            assertEquals(400, answer.statusCode(), memberships);
            assertTrue(answer.body().startsWith("The namespaces must be NAMESPACE:ROLE pairs"), answer.body());
        }
        assertEquals(400, token("namespaces=acme:owner").statusCode(), "sub is still required");
    }
}
