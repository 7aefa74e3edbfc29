package dev.registrytokens.registry;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPublicKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON Web Keys (RFC 7517) of P-256 public keys, and their RFC 7638 thumbprints. */
public final class Jwks {
    private static final int P256_COORDINATE_BYTES = 32;

    private Jwks() {
    }

    /** A JSON Web Key Set of the one key, for ES256 signatures, its thumbprint as {@code kid}. */
    public static Map<String, Object> of(ECPublicKey key) {
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kty", "EC");
        jwk.put("crv", "P-256");
        jwk.put("use", "sig");
        jwk.put("alg", "ES256");
        jwk.put("kid", thumbprint(key));
        jwk.put("x", coordinate(key.getW().getAffineX()));
        jwk.put("y", coordinate(key.getW().getAffineY()));
        return Map.of("keys", List.of(jwk));
    }

    /**
     * The key's RFC 7638 JWK thumbprint (base64url SHA-256 of its canonical JWK: the required members in lexicographic
     * order, no whitespace): how distribution 3 and JOSE libraries identify a key.
     */
    static String thumbprint(ECPublicKey key) {
        String canonical = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + coordinate(key.getW().getAffineX())
                + "\",\"y\":\"" + coordinate(key.getW().getAffineY()) + "\"}";
        return Base64Url.encode(Sha256.of(canonical.getBytes(StandardCharsets.UTF_8)));
    }

    /** A coordinate as JWK wants it: unsigned, big-endian, the curve's full 32 bytes (leading zeros kept). */
    private static String coordinate(BigInteger value) {
        byte[] bytes = value.toByteArray();
        byte[] fixed = new byte[P256_COORDINATE_BYTES];
        int copy = Math.min(bytes.length, P256_COORDINATE_BYTES);
        System.arraycopy(bytes, bytes.length - copy, fixed, P256_COORDINATE_BYTES - copy, copy);
        return Base64Url.encode(fixed);
    }
}
