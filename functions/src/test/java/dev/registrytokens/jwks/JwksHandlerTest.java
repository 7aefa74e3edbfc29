package dev.registrytokens.jwks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.registrytokens.aws.AwsClients.Timeouts;
import dev.registrytokens.registry.RegistrySigningKey;
import dev.registrytokens.testing.ApiCall;
import dev.registrytokens.testing.RegistryFixtures;
import dev.registrytokens.testkit.AwsCallCounter;
import dev.registrytokens.testkit.AwsEmulator;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import dev.registrytokens.testing.DependencyFault;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

@Tag("machine")
class JwksHandlerTest {
    private final RegistrySigningKey signingKey = RegistryFixtures.signingKey(new AwsCallCounter());

    @Test
    void publishesTheKmsCaKeyAsAnEcJwkWithItsRfc7638Thumbprint() throws Exception {
        var answer = ApiCall.from("jwks.json").to(new JwksHandler(signingKey)).assertStatus(200);
        JsonNode key = answer.body().get("keys").get(0);
        assertEquals("EC", key.get("kty").asText());
        assertEquals("P-256", key.get("crv").asText());
        assertEquals("ES256", key.get("alg").asText());
        // RFC 7638: SHA-256 over the required members in lexicographic order, no whitespace, base64url
        String canonical = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + key.get("x").asText() + "\",\"y\":\"" + key.get("y").asText() + "\"}";
        assertEquals(Base64.getUrlEncoder().withoutPadding().encodeToString(
                java.security.MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(java.nio.charset.StandardCharsets.UTF_8))),
                key.get("kid").asText());
        ECPublicKey kmsKey = (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(signingKey.publicKeyDer()));
        assertEquals(kmsKey.getW().getAffineX(), new java.math.BigInteger(1, Base64.getUrlDecoder().decode(key.get("x").asText())));
        assertEquals(kmsKey.getW().getAffineY(), new java.math.BigInteger(1, Base64.getUrlDecoder().decode(key.get("y").asText())));
        assertEquals(32, Base64.getUrlDecoder().decode(key.get("x").asText()).length);
    }

    @ParameterizedTest
    @EnumSource(DependencyFault.class)
    void answers503WithRetryAfterWhenKmsFails(DependencyFault fault) {
        ApiCall.from("jwks.json").to(new JwksHandler(new RegistrySigningKey(fault.kms(Timeouts.HOT_PATH), AwsEmulator.stack().signingKeyId())))
                .assertUnavailable();
    }
}
