package dev.registrytokens.registrytoken;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.registrytokens.registry.RegistrySigningKey;
import dev.registrytokens.registry.RegistryTokenIssuer;
import dev.registrytokens.testing.ApiCall;
import dev.registrytokens.testing.ApiResult;
import dev.registrytokens.testing.AwsCallCounter;
import dev.registrytokens.testing.AwsEmulator;
import dev.registrytokens.testing.RegistryFixtures;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(AwsEmulator.class)
class RegistryTokenHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final AwsCallCounter calls = new AwsCallCounter();
    private final RegistrySigningKey signingKey = RegistryFixtures.signingKey(calls);
    private final RegistryTokenHandler handler = new RegistryTokenHandler(
            new RegistryTokenIssuer(signingKey, "registry-tokens", Duration.ofSeconds(300), Clock.systemUTC()), "registry.local");

    private static Map<String, Object> login(String permission) {
        return Map.of("tokenId", "01kb5x3h8q2m6n4p7r9s0t1v2w", "accountId", "acme", "namespace", "acme",
                "username", "acme+ci", "permission", permission);
    }

    private static JsonNode part(String jwt, int index) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[index]));
    }

    @Test
    void issuesAJwtWhoseClaimsAndSignatureTheRegistryAccepts() throws Exception {
        ApiResult answer = ApiCall.from("registry-token.json").to(handler).assertStatus(200);
        String jwt = answer.body().get("token").asText();
        assertEquals(jwt, answer.body().get("access_token").asText());
        assertEquals(300, answer.body().get("expires_in").asLong());
        Instant issuedAt = Instant.parse(answer.body().get("issued_at").asText()); // RFC 3339, not a number

        JsonNode header = part(jwt, 0);
        assertEquals("ES256", header.get("alg").asText());
        assertEquals(signingKey.libtrustKeyId(), header.get("kid").asText());
        assertTrue(header.get("kid").asText().matches("([A-Z2-7]{4}:){11}[A-Z2-7]{4}"), header.toString());

        JsonNode claims = part(jwt, 1);
        assertEquals("registry-tokens", claims.get("iss").asText());
        assertEquals("acme+ci-push", claims.get("sub").asText());
        assertTrue(claims.get("aud").isTextual(), "aud is a plain string");
        assertEquals("registry.local", claims.get("aud").asText());
        assertEquals(issuedAt.getEpochSecond(), claims.get("iat").asLong());
        assertEquals(issuedAt.getEpochSecond(), claims.get("nbf").asLong());
        assertEquals(issuedAt.getEpochSecond() + 300, claims.get("exp").asLong());
        assertTrue(claims.get("jti").asText().length() >= 16);
        assertEquals(JSON.readTree("[{\"type\":\"repository\",\"name\":\"acme/app\",\"actions\":[\"pull\",\"push\"]}]"), claims.get("access"));

        assertTrue(verifiesWithPublishedJwks(jwt), "signature verifies with the key from /.well-known/jwks.json");
    }

    @Test
    void grantsTheIntersectionForSeveralScopesIncludingRepeatedParameters() throws Exception {
        ApiResult answer = ApiCall.from("registry-token.json").authorizerContext(login("PULL"))
                .rawQuery("service=registry.local&scope=repository:acme/app:pull,push&scope=repository:other/app:pull"
                        + "&scope=malformed&scope=repository:acme/base:pull")
                .to(handler).assertStatus(200);
        JsonNode access = part(answer.body().get("token").asText(), 1).get("access");
        assertEquals(JSON.readTree("[{\"type\":\"repository\",\"name\":\"acme/app\",\"actions\":[\"pull\"]},"
                + "{\"type\":\"repository\",\"name\":\"other/app\",\"actions\":[]},"
                + "{\"type\":\"repository\",\"name\":\"acme/base\",\"actions\":[\"pull\"]}]"), access);
    }

    @Test
    void aPlainLoginWithoutScopeGetsATokenWithNoAccess() throws Exception {
        ApiResult answer = ApiCall.from("registry-token.json").rawQuery("service=registry.local").to(handler).assertStatus(200);
        assertEquals(0, part(answer.body().get("token").asText(), 1).get("access").size());
    }

    @Test
    void rejectsAnotherService() {
        ApiCall.from("registry-token.json").rawQuery("service=evil.example.com&scope=repository:acme/app:pull")
                .to(handler).assertError(400, "invalid_service", "service");
        ApiCall.from("registry-token.json").rawQuery("scope=repository:acme/app:pull")
                .to(handler).assertError(400, "invalid_service", "service");
    }

    @Test
    void refusesWithoutAnAuthorizerContext() {
        ApiCall.from("registry-token.json").authorizerContext(null).to(handler).assertError(401, "unauthorized", null);
    }

    @Test
    void signsWithOneKmsCallOnceThePublicKeyIsKnown() {
        ApiCall.from("registry-token.json").to(handler).assertStatus(200);
        calls.reset();
        ApiCall.from("registry-token.json").to(handler).assertStatus(200);
        assertEquals(1, calls.count("Sign"), calls::toString);
        assertEquals(1, calls.total(), calls::toString);
    }

    private boolean verifiesWithPublishedJwks(String jwt) throws Exception {
        JsonNode jwks = JSON.valueToTree(signingKey.jwks()); // what GET /.well-known/jwks.json serves (JwksHandlerTest)
        JsonNode key = jwks.get("keys").get(0);
        assertEquals(part(jwt, 0).get("kid").asText(), key.get("kid").asText());
        AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec("secp256r1"));
        PublicKey publicKey = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(
                new BigInteger(1, Base64.getUrlDecoder().decode(key.get("x").asText())),
                new BigInteger(1, Base64.getUrlDecoder().decode(key.get("y").asText()))),
                parameters.getParameterSpec(ECParameterSpec.class)));
        String[] parts = jwt.split("\\.");
        Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
        verifier.initVerify(publicKey);
        verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
        assertEquals(64, signature.length);
        return verifier.verify(signature);
    }
}
