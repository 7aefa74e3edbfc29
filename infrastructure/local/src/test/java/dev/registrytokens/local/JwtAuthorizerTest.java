package dev.registrytokens.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("machine")
class JwtAuthorizerTest {
    static final String SCOPE = "registry-tokens/manage";
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

    private static Map<String, Object> claims() {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer.issuer());
        claims.put("aud", "registry-tokens-test");
        claims.put("sub", "acme");
        claims.put("exp", now + 300);
        claims.put("nbf", now - 5);
        return claims;
    }

    private static String bearer(Map<String, Object> claims) {
        return "Bearer " + issuer.sign(Map.of("alg", "RS256", "kid", DevIssuer.KEY_ID), claims);
    }

    @Test
    void acceptsAMintedTokenAndPassesClaimsAsStrings() {
        var claims = authorizer.verify("Bearer " + issuer.mint("acme", "acme-team", Duration.ofMinutes(5))).orElseThrow();
        assertEquals("acme", claims.get("sub"));
        assertEquals("acme-team", claims.get("namespace"));
        assertTrue(claims.get("exp").matches("[0-9]+"));
    }

    @Test
    void rendersClaimsAsApiGatewayDoesStringsAsTheyAreArraysInBracketsSeparatedBySpaces() {
        var claims = claims();
        claims.put("registry_namespaces", "acme:owner widgets:viewer");
        claims.put("groups", List.of("acme:owner", "widgets:viewer", "tools:member"));
        claims.put("empty", List.of());
        claims.put("mixed", List.of("a", 7, true));
        claims.put("email_verified", true);
        claims.put("level", 3);
        claims.put("address", Map.of("country", "NL"));
        claims.put("nothing", null);
        var passed = authorizer.verify(bearer(claims)).orElseThrow();
        assertEquals("acme:owner widgets:viewer", passed.get("registry_namespaces"), "a string as it is");
        assertEquals("[acme:owner widgets:viewer tools:member]", passed.get("groups"), "an array: brackets and spaces, no quotes or commas");
        assertEquals("[]", passed.get("empty"));
        assertEquals("[a 7 true]", passed.get("mixed"));
        assertEquals("true", passed.get("email_verified"));
        assertEquals("3", passed.get("level"));
        assertEquals(String.valueOf(claims.get("exp")), passed.get("exp"));
        assertEquals("{\"country\":\"NL\"}", passed.get("address"), "an object as its JSON text");
        assertFalse(passed.containsKey("nothing"), "a null claim is left out");
    }

    @Test
    void rejectsMissingOrMalformedAuthorization() {
        assertTrue(authorizer.verify(null).isEmpty());
        assertTrue(authorizer.verify("Basic YWNtZTpzZWNyZXQ=").isEmpty());
        assertTrue(authorizer.verify("Bearer not-a-jwt").isEmpty());
        assertTrue(authorizer.verify("Bearer a.b.c").isEmpty());
    }

    @Test
    void rejectsATokenSignedWithAnotherKey() {
        DevIssuer impostor = new DevIssuer(issuer.issuer(), "registry-tokens-test", SCOPE);
        assertTrue(authorizer.verify("Bearer " + impostor.sign(Map.of("alg", "RS256", "kid", DevIssuer.KEY_ID), claims())).isEmpty());
    }

    @Test
    void rejectsAnUnsignedToken() {
        String signed = bearer(claims());
        String[] parts = signed.substring(7).split("\\.");
        String none = Base64Url.encode("{\"alg\":\"none\",\"kid\":\"dev-issuer-1\"}".getBytes());
        assertTrue(authorizer.verify("Bearer " + none + "." + parts[1] + ".").isEmpty());
    }

    @Test
    void rejectsExpiredNotYetValidMisissuedAndMisaddressedTokens() {
        long now = Instant.now().getEpochSecond();
        var expired = claims();
        expired.put("exp", now - 1);
        var notYet = claims();
        notYet.put("nbf", now + 600);
        var otherIssuer = claims();
        otherIssuer.put("iss", "https://elsewhere.example.com");
        var otherAudience = claims();
        otherAudience.put("aud", "some-other-api");
        for (var claims : List.of(expired, notYet, otherIssuer, otherAudience)) {
            assertTrue(authorizer.verify(bearer(claims)).isEmpty(), () -> "accepted " + claims);
        }
        assertTrue(authorizer.verify(bearer(claims())).isPresent(), "the same token, unaltered, is accepted");
    }

    private static JwtAuthorizer.Decision onAManagementRoute(Map<String, Object> claims) {
        return authorizer.authorize(bearer(claims), List.of(SCOPE));
    }

    @Test
    void anIdTokenWhoseAudienceIsTheConsoleIsAValidTokenButRefused403WhereTheScopeIsRequired() {
        JwtAuthorizer withConsoleAudience = new JwtAuthorizer(issuer.issuer(), List.of("registry-tokens-test", "console"));
        withConsoleAudience.loadKeys();
        String idToken = "Bearer " + issuer.idToken("acme", "acme", null, "console", Duration.ofMinutes(5));
        assertInstanceOf(JwtAuthorizer.Allowed.class, withConsoleAudience.authorize(idToken, List.of()),
                "its audience passes: only the scope tells it from an access token");
        assertInstanceOf(JwtAuthorizer.Forbidden.class, withConsoleAudience.authorize(idToken, List.of(SCOPE)));
        var allowed = assertInstanceOf(JwtAuthorizer.Allowed.class, withConsoleAudience.authorize(
                "Bearer " + issuer.mint("acme", "acme", Duration.ofMinutes(5)), List.of(SCOPE)), "the access token of the same account");
        assertEquals(List.of(SCOPE), allowed.scopes());
        assertEquals("acme", allowed.claims().get("sub"));
    }

    @Test
    void readsScopesFromTheSpaceSeparatedScopeClaimOrElseScp() {
        var several = claims();
        several.put("scope", "openid " + SCOPE + " profile");
        var scpArray = claims();
        scpArray.put("scp", List.of("profile", SCOPE));
        var scpString = claims();
        scpString.put("scp", SCOPE);
        for (var claims : List.of(several, scpArray, scpString)) {
            assertInstanceOf(JwtAuthorizer.Allowed.class, onAManagementRoute(claims), () -> "refused " + claims);
        }
        var none = claims();
        var otherScope = claims();
        otherScope.put("scope", "openid profile");
        var prefixOnly = claims();
        prefixOnly.put("scope", SCOPE + "x");
        var scopeWins = claims();
        scopeWins.put("scope", "openid");
        scopeWins.put("scp", List.of(SCOPE));
        for (var claims : List.of(none, otherScope, prefixOnly, scopeWins)) {
            assertInstanceOf(JwtAuthorizer.Forbidden.class, onAManagementRoute(claims), () -> "accepted " + claims);
        }
        var expired = claims();
        expired.put("scope", SCOPE);
        expired.put("exp", Instant.now().getEpochSecond() - 1);
        assertInstanceOf(JwtAuthorizer.Unauthorized.class, onAManagementRoute(expired), "an invalid token is 401 whatever its scopes");
        assertInstanceOf(JwtAuthorizer.Unauthorized.class, authorizer.authorize(null, List.of(SCOPE)));
    }

    @Test
    void checksClientIdOnlyWhenTheTokenHasNoAudience() {
        var clientIdOnly = claims();
        clientIdOnly.remove("aud");
        clientIdOnly.put("client_id", "registry-tokens-test");
        assertTrue(authorizer.verify(bearer(clientIdOnly)).isPresent(), "a Cognito access token: client_id and no aud");
        var wrongAudRightClient = claims();
        wrongAudRightClient.put("aud", "some-other-api");
        wrongAudRightClient.put("client_id", "registry-tokens-test");
        assertTrue(authorizer.verify(bearer(wrongAudRightClient)).isEmpty(), "aud, when present, decides");
        var neither = claims();
        neither.remove("aud");
        assertTrue(authorizer.verify(bearer(neither)).isEmpty());
    }
}
