package dev.registrytokens.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JwksTest {
    private static ECPublicKey newKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return (ECPublicKey) generator.generateKeyPair().getPublic();
    }

    @Test
    void aKeySetHoldsTheOneKeyAsAnEs256EcJwkNamedByItsRfc7638Thumbprint() throws Exception {
        ECPublicKey key = newKey();
        @SuppressWarnings("unchecked")
        Map<String, Object> jwk = ((List<Map<String, Object>>) Jwks.of(key).get("keys")).getFirst();
        assertEquals(List.of("kty", "crv", "use", "alg", "kid", "x", "y"), List.copyOf(jwk.keySet()));
        assertEquals("EC", jwk.get("kty"));
        assertEquals("P-256", jwk.get("crv"));
        assertEquals("sig", jwk.get("use"));
        assertEquals("ES256", jwk.get("alg"));
        assertEquals(key.getW().getAffineX(), new BigInteger(1, Base64.getUrlDecoder().decode((String) jwk.get("x"))));
        assertEquals(key.getW().getAffineY(), new BigInteger(1, Base64.getUrlDecoder().decode((String) jwk.get("y"))));
        String canonical = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + jwk.get("x") + "\",\"y\":\"" + jwk.get("y") + "\"}";
        assertEquals(Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8))), jwk.get("kid"));
        assertEquals(jwk.get("kid"), Jwks.thumbprint(key));
    }

    @Test
    void aCoordinateWithLeadingZeroBytesKeepsThemAll32Bytes() throws Exception {
        ECPublicKey key = newKey();
        while (key.getW().getAffineX().bitLength() > 248) { // one key in 256 has a leading zero byte
            key = newKey();
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> jwk = ((List<Map<String, Object>>) Jwks.of(key).get("keys")).getFirst();
        byte[] x = Base64.getUrlDecoder().decode((String) jwk.get("x"));
        assertEquals(32, x.length);
        assertEquals(0, x[0]);
    }
}
