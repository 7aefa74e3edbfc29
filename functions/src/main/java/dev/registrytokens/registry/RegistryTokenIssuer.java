package dev.registrytokens.registry;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.registrytokens.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Issues the short-lived registry JWTs of the Docker registry token protocol, signed ES256 in process. Each
 * execution environment makes its own P-256 key pair in memory, on first use (after a SnapStart restore, never in a
 * snapshot), and has the KMS certificate authority sign one short-lived leaf certificate for it: one KMS call per
 * environment per rotation, none per login. JWTs carry that certificate in {@code x5c}; registries verify the chain
 * up to the CA certificate they hold as {@code rootcertbundle}. The private key never leaves this object.
 */
public final class RegistryTokenIssuer {
    /** What registries allow for clock skew when they check validity (distribution's leeway). */
    static final Duration REGISTRY_LEEWAY = Duration.ofSeconds(60);
    /** Spare time before a leaf could no longer cover a JWT issued now: renew before that. */
    private static final Duration RENEWAL_MARGIN = Duration.ofSeconds(60);

    private final RegistrySigningKey certificateAuthority;
    private final String issuer;
    private final Duration lifetime;
    private final Duration leafLifetime;
    private final Clock clock;
    private volatile Signer signer;

    /** An environment's signing key and the header that carries its certificate; renewed from {@code renewAt}. */
    private record Signer(PrivateKey key, String encodedHeader, Instant renewAt) {
        @Override
        public String toString() {
            return "Signer[renewAt=" + renewAt + "]"; // never the key
        }
    }

    public RegistryTokenIssuer(RegistrySigningKey certificateAuthority, String issuer, Duration lifetime, Duration leafLifetime, Clock clock) {
        if (leafLifetime.compareTo(lifetime.plus(REGISTRY_LEEWAY).plus(RENEWAL_MARGIN).plusSeconds(1)) < 0) {
            throw new IllegalArgumentException("a leaf certificate must outlive a JWT, the registry's leeway and the renewal margin");
        }
        this.certificateAuthority = certificateAuthority;
        this.issuer = issuer;
        this.lifetime = lifetime;
        this.leafLifetime = leafLifetime;
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
        Signer current = signerAt(now);
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer);
        claims.put("sub", username);
        claims.put("aud", service); // a plain string: distribution rejects an array here
        claims.put("exp", now.plus(lifetime).getEpochSecond());
        claims.put("nbf", now.getEpochSecond());
        claims.put("iat", now.getEpochSecond());
        claims.put("jti", Base64Url.encode(random(16)));
        claims.put("access", access);
        String signingInput = current.encodedHeader() + "."
                + Base64Url.encode(Json.write(claims).getBytes(StandardCharsets.UTF_8));
        String jwt = signingInput + "." + Base64Url.encode(sign(current.key(), signingInput));
        return new TokenResponse(jwt, jwt, lifetime.toSeconds(), now.toString());
    }

    /** SnapStart priming: loads the signing classes and fetches the CA's public key, and makes no key. */
    public void prime() {
        try {
            KeyPairGenerator.getInstance("EC");
            Signature.getInstance("SHA256withECDSAinP1363Format");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        certificateAuthority.publicKeyDer();
    }

    private Signer signerAt(Instant now) {
        Signer current = signer;
        if (current != null && now.isBefore(current.renewAt())) {
            return current;
        }
        synchronized (this) {
            current = signer;
            if (current == null || !now.isBefore(current.renewAt())) {
                current = newSigner(now);
                signer = current;
            }
            return current;
        }
    }

    /** A fresh key pair and its leaf certificate, valid from a leeway ago (clock skew) for {@code leafLifetime}. */
    private Signer newSigner(Instant now) {
        KeyPair keys;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            keys = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        Instant notAfter = now.plus(leafLifetime);
        byte[] leaf = certificateAuthority.issueLeaf(keys.getPublic().getEncoded(), random(16), now.minus(REGISTRY_LEEWAY), notAfter);
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", "ES256");
        header.put("typ", "JWT");
        header.put("x5c", List.of(Base64.getEncoder().encodeToString(leaf))); // standard base64, per RFC 7515
        String encodedHeader = Base64Url.encode(Json.write(header).getBytes(StandardCharsets.UTF_8));
        // Renew while every JWT issued now still ends, with the registry's leeway, inside the leaf's validity.
        return new Signer(keys.getPrivate(), encodedHeader, notAfter.minus(lifetime).minus(REGISTRY_LEEWAY).minus(RENEWAL_MARGIN));
    }

    private static byte[] sign(PrivateKey key, String signingInput) {
        try {
            Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format"); // R||S, as JWS wants
            signature.initSign(key);
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ES256 signing failed", e);
        }
    }

    private static byte[] random(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return random;
    }
}
