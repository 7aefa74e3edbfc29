package dev.registrytokens.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What API Gateway's HTTP API JWT authorizer does: takes the bearer token, checks its RS256 signature
 * against the issuer's JWKS, then {@code iss}, {@code aud} (one of the configured audiences; {@code client_id}
 * instead only when the token has no {@code aud}), {@code exp} and {@code nbf}, and last the route's authorization
 * scopes: the token's {@code scope} claim (space-separated) or else its {@code scp} claim must hold one of them, so an
 * ID token (which has no scope) is refused on such a route. Verified claims reach the handler as strings, rendered
 * as API Gateway renders them (see {@link #claimAsString}).
 */
final class JwtAuthorizer {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String issuer;
    private final List<String> audiences;
    private final Map<String, PublicKey> keysById = new HashMap<>();

    JwtAuthorizer(String issuer, List<String> audiences) {
        this.issuer = issuer;
        this.audiences = audiences;
    }

    /** Fetches the issuer's signing keys from {@code <issuer>/.well-known/jwks.json}. */
    void loadKeys() {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(issuer + "/.well-known/jwks.json")).build(),
                    HttpResponse.BodyHandlers.ofString());
            for (JsonNode key : JSON.readTree(response.body()).path("keys")) {
                if ("RSA".equals(key.path("kty").asText())) {
                    RSAPublicKeySpec spec = new RSAPublicKeySpec(
                            new BigInteger(1, Base64Url.decode(key.path("n").asText())),
                            new BigInteger(1, Base64Url.decode(key.path("e").asText())));
                    keysById.put(key.path("kid").asText(), KeyFactory.getInstance("RSA").generatePublic(spec));
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot load the JWKS of " + issuer, e);
        }
    }

    /** What the authorizer decides for a request to a route that requires one of {@code routeScopes} (none: any token). */
    sealed interface Decision permits Allowed, Unauthorized, Forbidden {
    }

    /** The token's claims as the handler gets them, and its scopes. */
    record Allowed(Map<String, String> claims, List<String> scopes) implements Decision {
    }

    /** 401: no valid token. */
    record Unauthorized() implements Decision {
    }

    /** 403: a valid token that carries none of the route's scopes. */
    record Forbidden() implements Decision {
    }

    Decision authorize(String authorizationHeader, List<String> routeScopes) {
        Optional<JsonNode> claims = verifiedClaims(authorizationHeader);
        if (claims.isEmpty()) {
            return new Unauthorized();
        }
        List<String> scopes = scopes(claims.get());
        if (!routeScopes.isEmpty() && scopes.stream().noneMatch(routeScopes::contains)) {
            return new Forbidden();
        }
        return new Allowed(asStrings(claims.get()), scopes);
    }

    /** {@code scope} split at spaces, or else {@code scp} (an array, or a string split likewise); none when neither. */
    private static List<String> scopes(JsonNode claims) {
        JsonNode scope = claims.has("scope") ? claims.get("scope") : claims.path("scp");
        return scope.isArray() ? scope.valueStream().map(JsonNode::asText).toList()
                : scope.isTextual() ? Arrays.stream(scope.asText().split(" ")).filter(s -> !s.isEmpty()).toList()
                : List.of();
    }

    /** The verified claims, or empty for a missing, malformed, forged, expired or misaddressed token. */
    Optional<Map<String, String>> verify(String authorizationHeader) {
        return verifiedClaims(authorizationHeader).map(JwtAuthorizer::asStrings);
    }

    private Optional<JsonNode> verifiedClaims(String authorizationHeader) {
        if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String[] parts = authorizationHeader.substring(7).trim().split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            JsonNode header = JSON.readTree(Base64Url.decode(parts[0]));
            PublicKey key = keysById.get(header.path("kid").asText());
            if (key == null || !"RS256".equals(header.path("alg").asText())) {
                return Optional.empty();
            }
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify(key);
            rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!rsa.verify(Base64Url.decode(parts[2]))) {
                return Optional.empty();
            }
            JsonNode claims = JSON.readTree(Base64Url.decode(parts[1]));
            long now = Instant.now().getEpochSecond();
            JsonNode audience = claims.has("aud") ? claims.get("aud") : claims.path("client_id");
            boolean audienceMatches = audience.isArray()
                    ? audiences.stream().anyMatch(a -> audience.valueStream().anyMatch(v -> a.equals(v.asText())))
                    : audience.isTextual() && audiences.contains(audience.asText());
            if (!issuer.equals(claims.path("iss").asText()) || !audienceMatches
                    || !claims.path("exp").canConvertToLong() || claims.path("exp").asLong() <= now
                    || (claims.has("nbf") && claims.path("nbf").asLong() > now)) {
                return Optional.empty();
            }
            return Optional.of(claims);
        } catch (Exception malformed) {
            return Optional.empty();
        }
    }

    private static Map<String, String> asStrings(JsonNode claims) {
        Map<String, String> asStrings = new LinkedHashMap<>();
        claims.properties().forEach(claim -> claimAsString(claim.getValue()).ifPresent(text -> asStrings.put(claim.getKey(), text)));
        return asStrings;
    }

    /**
     * A claim as an HTTP API's JWT authorizer hands it to the function in {@code requestContext.authorizer.jwt.claims}:
     * a string as it is, a number or boolean as its JSON text, an array as its elements between brackets, separated by
     * spaces ({@code ["a:owner","b:viewer"]} becomes {@code [a:owner b:viewer]}, not JSON), an object as its JSON text;
     * a null claim is left out.
     */
    static Optional<String> claimAsString(JsonNode claim) {
        if (claim.isNull()) {
            return Optional.empty();
        }
        if (claim.isArray()) {
            StringBuilder rendered = new StringBuilder("[");
            claim.forEach(element -> rendered.append(rendered.length() > 1 ? " " : "")
                    .append(element.isTextual() ? element.asText() : element.toString()));
            return Optional.of(rendered.append(']').toString());
        }
        return Optional.of(claim.isTextual() ? claim.asText() : claim.toString());
    }
}
