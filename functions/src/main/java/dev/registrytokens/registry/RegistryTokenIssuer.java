package dev.registrytokens.registry;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.registrytokens.http.Json;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Issues the short-lived registry JWTs of the Docker registry token protocol, signed ES256 by KMS. */
public final class RegistryTokenIssuer {
    private final RegistrySigningKey signingKey;
    private final String issuer;
    private final Duration lifetime;
    private final Clock clock;
    /** The JWT header is the same for every token of this key: encoded once, on first use. */
    private volatile String encodedHeader;

    public RegistryTokenIssuer(RegistrySigningKey signingKey, String issuer, Duration lifetime, Clock clock) {
        this.signingKey = signingKey;
        this.issuer = issuer;
        this.lifetime = lifetime;
        this.clock = clock;
    }

    /** The token endpoint's answer. {@code issued_at} is RFC 3339: some clients (skopeo) fail on a number. */
    public record TokenResponse(
            String token,
            @JsonProperty("access_token") String accessToken,
            @JsonProperty("expires_in") long expiresIn,
            @JsonProperty("issued_at") String issuedAt) {
    }

    public TokenResponse issue(String username, String service, List<RegistryScope.Access> access) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer);
        claims.put("sub", username);
        claims.put("aud", service); // a plain string: distribution rejects an array here
        claims.put("exp", now.plus(lifetime).getEpochSecond());
        claims.put("nbf", now.getEpochSecond());
        claims.put("iat", now.getEpochSecond());
        claims.put("jti", jwtId());
        claims.put("access", access);
        String signingInput = encodedHeader() + "."
                + RegistrySigningKey.base64Url(Json.write(claims).getBytes(StandardCharsets.UTF_8));
        String jwt = signingInput + "." + RegistrySigningKey.base64Url(signingKey.sign(signingInput.getBytes(StandardCharsets.US_ASCII)));
        return new TokenResponse(jwt, jwt, lifetime.toSeconds(), now.toString());
    }

    private String encodedHeader() {
        String header = encodedHeader;
        if (header == null) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("alg", "ES256");
            fields.put("typ", "JWT");
            fields.put("kid", signingKey.libtrustKeyId());
            header = RegistrySigningKey.base64Url(Json.write(fields).getBytes(StandardCharsets.UTF_8));
            encodedHeader = header;
        }
        return header;
    }

    private static String jwtId() {
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        return RegistrySigningKey.base64Url(random);
    }
}
