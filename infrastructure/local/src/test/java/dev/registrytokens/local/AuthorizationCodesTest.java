package dev.registrytokens.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The dev issuer's authorization code flow: a code is good once, for its client, redirect URI and PKCE verifier. */
@Tag("machine")
class AuthorizationCodesTest {
    private static final String REDIRECT = "http://127.0.0.1:1/console/";
    private static final String SCOPE = JwtAuthorizerTest.SCOPE;
    private static final String VERIFIER = "a".repeat(43);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static DevIssuer issuer;
    private static JwtAuthorizer authorizer;

    @BeforeAll
    static void startIssuer() throws Exception {
        issuer = DevIssuer.start(0, "registry-tokens-test", SCOPE, new DevIssuer.Client("console", REDIRECT));
        authorizer = new JwtAuthorizer(issuer.issuer(), List.of("registry-tokens-test"));
        authorizer.loadKeys();
    }

    @AfterAll
    static void stopIssuer() {
        issuer.server().stop(0);
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static HttpResponse<String> post(String path, Map<String, String> fields) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create(issuer.issuer() + path))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form(fields))).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    /** Signs in as acme through the form and returns the code the redirect carries. */
    private static String code() throws Exception {
        return code(Map.of("account", "acme"));
    }

    /** The sign-in form's answer to these fields (account, namespace, namespaces). */
    private static HttpResponse<String> signIn(Map<String, String> fields) throws Exception {
        String challenge = Base64Url.encode(MessageDigest.getInstance("SHA-256").digest(VERIFIER.getBytes(StandardCharsets.US_ASCII)));
        Map<String, String> request = new HashMap<>(Map.of("response_type", "code", "client_id", "console",
                "redirect_uri", REDIRECT, "state", "s1", "code_challenge", challenge, "code_challenge_method", "S256"));
        request.putAll(fields);
        return post("/authorize", request);
    }

    /** Signs in with these fields through the form and returns the code the redirect carries. */
    private static String code(Map<String, String> fields) throws Exception {
        HttpResponse<String> answer = signIn(fields);
        assertEquals(302, answer.statusCode(), answer.body());
        String location = answer.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith(REDIRECT + "?code=") && location.endsWith("&state=s1"), location);
        return location.substring(location.indexOf("code=") + 5, location.indexOf('&'));
    }

    private static HttpResponse<String> exchange(String code, String verifier, String redirectUri) throws Exception {
        return post("/token", Map.of("grant_type", "authorization_code", "code", code, "client_id", "console",
                "redirect_uri", redirectUri, "code_verifier", verifier));
    }

    @Test
    void theCodeWithItsVerifierGetsAnAccessTokenTheGatewayAcceptsOnce() throws Exception {
        String code = code();
        HttpResponse<String> answer = exchange(code, VERIFIER, REDIRECT);
        assertEquals(200, answer.statusCode(), answer.body());
        JsonNode token = JSON.readTree(answer.body());
        Map<String, String> claims = authorizer.verify("Bearer " + token.get("access_token").asText()).orElseThrow();
        assertEquals("acme", claims.get("sub"));
        assertEquals("acme", claims.get("namespace"));
        assertEquals(400, exchange(code, VERIFIER, REDIRECT).statusCode(), "a code is good once");
    }

    @Test
    void grantsTheManagementScopeOnlyWhenAskedForAndAnIdTokenForOpenidWhichTheManagementRoutesRefuse() throws Exception {
        JwtAuthorizer withConsoleAudience = new JwtAuthorizer(issuer.issuer(), List.of("registry-tokens-test", "console"));
        withConsoleAudience.loadKeys();
        JsonNode tokens = JSON.readTree(exchange(code(Map.of("account", "acme", "scope", "openid " + SCOPE + " email")), VERIFIER, REDIRECT).body());
        assertEquals("openid " + SCOPE, tokens.get("scope").asText(), "what it knows of what was asked");
        var access = assertInstanceOf(JwtAuthorizer.Allowed.class,
                withConsoleAudience.authorize("Bearer " + tokens.get("access_token").asText(), List.of(SCOPE)));
        assertEquals("acme", access.claims().get("sub"));
        String idToken = "Bearer " + tokens.get("id_token").asText();
        assertEquals("console", withConsoleAudience.verify(idToken).orElseThrow().get("aud"), "an ID token is the client's");
        assertInstanceOf(JwtAuthorizer.Forbidden.class, withConsoleAudience.authorize(idToken, List.of(SCOPE)));

        JsonNode openidOnly = JSON.readTree(exchange(code(Map.of("account", "acme", "scope", "openid")), VERIFIER, REDIRECT).body());
        assertInstanceOf(JwtAuthorizer.Forbidden.class,
                withConsoleAudience.authorize("Bearer " + openidOnly.get("access_token").asText(), List.of(SCOPE)), "not granted unasked");
        assertTrue(JSON.readTree(exchange(code(), VERIFIER, REDIRECT).body()).path("id_token").isMissingNode(), "no ID token without openid");
    }

    /** The claims of the access token a sign-in with these fields gets. */
    private static Map<String, String> claimsAfterSignIn(Map<String, String> fields) throws Exception {
        HttpResponse<String> answer = exchange(code(fields), VERIFIER, REDIRECT);
        assertEquals(200, answer.statusCode(), answer.body());
        return authorizer.verify("Bearer " + JSON.readTree(answer.body()).get("access_token").asText()).orElseThrow();
    }

    @Test
    void theNamespacesFieldBecomesOneSpaceSeparatedClaimAndTheNamespaceThenDefaultsToNone() throws Exception {
        Map<String, String> claims = claimsAfterSignIn(Map.of("account", "alice", "namespaces", "  team:owner   widgets:viewer "));
        assertEquals("alice", claims.get("sub"));
        assertEquals("team:owner widgets:viewer", claims.get("registry_namespaces"));
        assertFalse(claims.containsKey("namespace"), "with memberships, no namespace unless one is named");

        Map<String, String> both = claimsAfterSignIn(Map.of("account", "alice", "namespace", "alice", "namespaces", "team:member"));
        assertEquals("alice", both.get("namespace"));
        assertEquals("team:member", both.get("registry_namespaces"));

        Map<String, String> neither = claimsAfterSignIn(Map.of("account", "bob"));
        assertEquals("bob", neither.get("namespace"), "without memberships the namespace defaults to the account");
        assertFalse(neither.containsKey("registry_namespaces"));
    }

    @Test
    void malformedMembershipsShowTheFormAgainWithTheRule() throws Exception {
        for (String memberships : List.of("team", "team:admin", "Team:owner", "team:owner,widgets:viewer", "team:owner widgets")) {
            HttpResponse<String> answer = signIn(Map.of("account", "alice", "namespaces", memberships));
            assertEquals(200, answer.statusCode(), memberships);
            assertTrue(answer.headers().firstValue("Location").isEmpty(), memberships);
            assertTrue(answer.body().contains("<p role=\"alert\">The namespaces must be NAMESPACE:ROLE pairs"), answer.body());
            assertTrue(answer.body().contains("value=\"" + memberships + "\""), "the form keeps what was typed");
        }
    }

    @Test
    void aWrongVerifierOrRedirectUriGetsNoToken() throws Exception {
        assertEquals("invalid_grant", JSON.readTree(exchange(code(), "b".repeat(43), REDIRECT).body()).get("error").asText());
        assertEquals(400, exchange(code(), VERIFIER, "http://127.0.0.1:2/console/").statusCode());
    }

    @Test
    void anUnregisteredRedirectUriIsNeverRedirectedTo() throws Exception {
        HttpResponse<String> answer = post("/authorize", Map.of("response_type", "code", "client_id", "console",
                "redirect_uri", "https://attacker.example/", "code_challenge", "c".repeat(43), "code_challenge_method", "S256",
                "account", "acme"));
        assertEquals(400, answer.statusCode());
        assertTrue(answer.headers().firstValue("Location").isEmpty());
    }
}
