package dev.registrytokens.registrytoken;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.registrytokens.aws.AwsClients.Timeouts;
import dev.registrytokens.registry.RegistrySigningKey;
import dev.registrytokens.registry.RegistryTokenIssuer;
import dev.registrytokens.registry.RegistryTokens;
import dev.registrytokens.testing.ApiCall;
import dev.registrytokens.testing.ApiResult;
import dev.registrytokens.testing.RegistryFixtures;
import dev.registrytokens.testkit.AwsCallCounter;
import dev.registrytokens.testkit.AwsEmulator;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import dev.registrytokens.testing.DependencyFault;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

@Tag("machine")
class RegistryTokenHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final AwsCallCounter calls = new AwsCallCounter();
    private final RegistrySigningKey certificateAuthority = RegistryFixtures.signingKey(calls);
    private final RegistryTokenHandler handler = handler(Duration.ofSeconds(300), Duration.ofHours(1), Clock.systemUTC());

    private RegistryTokenHandler handler(Duration lifetime, Duration leafLifetime, Clock clock) {
        return new RegistryTokenHandler(new RegistryTokens(
                new RegistryTokenIssuer(certificateAuthority, "registry-tokens", lifetime, leafLifetime, clock), "registry.local"));
    }

    private static Map<String, Object> login(String permission) {
        return Map.of("tokenId", "01kb5x3h8q2m6n4p7r9s0t1v2w", "accountId", "acme", "namespace", "acme",
                "username", "acme+ci", "permission", permission);
    }

    private static JsonNode part(String jwt, int index) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[index]));
    }

    private static String jwt(RegistryTokenHandler handler) {
        return ApiCall.from("registry-token.json").to(handler).assertStatus(200).body().get("token").asText();
    }

    private static X509Certificate leafOf(String jwt) throws Exception {
        JsonNode chain = part(jwt, 0).get("x5c");
        assertEquals(1, chain.size(), "x5c holds the leaf; the CA is the registry's rootcertbundle");
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(chain.get(0).asText())));
    }

    private X509Certificate caCertificate() throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(certificateAuthority.certificatePem().getBytes(StandardCharsets.US_ASCII)));
    }

    /** The JWT's signature verifies with its leaf's key, and the leaf chains to the CA certificate (PKIX, at {@code at}). */
    private void assertVerifiesUpToTheCa(String jwt, Instant at) throws Exception {
        X509Certificate leaf = leafOf(jwt);
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(caCertificate(), null)));
        parameters.setRevocationEnabled(false);
        parameters.setDate(Date.from(at));
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)), parameters);
        String[] parts = jwt.split("\\.");
        Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
        verifier.initVerify(leaf.getPublicKey());
        verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertTrue(verifier.verify(Base64.getUrlDecoder().decode(parts[2])), "the leaf's key signed the JWT");
    }

    @Test
    void issuesAJwtSignedByAnEnvironmentKeyWhoseLeafChainsToTheKmsCa() throws Exception {
        ApiResult answer = ApiCall.from("registry-token.json").to(handler).assertStatus(200);
        String jwt = answer.body().get("token").asText();
        assertEquals(jwt, answer.body().get("access_token").asText());
        assertEquals(300, answer.body().get("expires_in").asLong());
        Instant issuedAt = Instant.parse(answer.body().get("issued_at").asText()); // RFC 3339, not a number

        JsonNode header = part(jwt, 0);
        assertEquals("ES256", header.get("alg").asText());
        assertFalse(header.has("kid"), "the x5c chain identifies the key");
        X509Certificate leaf = leafOf(jwt);
        X509Certificate ca = caCertificate();
        assertEquals(ca.getSubjectX500Principal(), leaf.getIssuerX500Principal());
        assertEquals(-1, leaf.getBasicConstraints(), "the leaf is no CA");
        assertTrue(leaf.getKeyUsage()[0], "the leaf signs (digitalSignature)");
        assertTrue(ca.getBasicConstraints() >= 0 && ca.getKeyUsage()[5], "the root is a CA that signs certificates");
        assertNotEquals(ca.getPublicKey(), leaf.getPublicKey(), "JWTs are not signed by the KMS key itself");

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

        assertVerifiesUpToTheCa(jwt, issuedAt);
        Instant lastAcceptedAt = issuedAt.plusSeconds(300 + 60); // exp plus the registry's leeway
        assertFalse(leaf.getNotAfter().toInstant().isBefore(lastAcceptedAt), "the leaf outlives every JWT it signs");
        assertFalse(leaf.getNotBefore().toInstant().isAfter(issuedAt.minusSeconds(60)), "and was valid a leeway before");
    }

    @Test
    void signsRepeatLoginsWithoutKmsOnceTheEnvironmentHasItsLeaf() {
        jwt(handler);
        assertEquals(1, calls.count("Sign"), "one KMS Sign: the leaf certificate");
        calls.reset();
        for (int i = 0; i < 10; i++) {
            jwt(handler);
        }
        assertEquals(0, calls.total(), calls::toString);
    }

    @Test
    void primingBeforeASnapshotMakesNoKeyAndNoLeaf() {
        handler.prime();
        assertEquals(0, calls.count("Sign"), calls::toString);
        jwt(handler);
        assertEquals(1, calls.count("Sign"), "the first JWT after the restore makes the environment's key and leaf");
    }

    @Test
    void eachEnvironmentSignsWithItsOwnKey() throws Exception {
        X509Certificate first = leafOf(jwt(handler));
        X509Certificate second = leafOf(jwt(handler(Duration.ofSeconds(300), Duration.ofHours(1), Clock.systemUTC())));
        assertNotEquals(first.getPublicKey(), second.getPublicKey());
        assertNotEquals(first.getSerialNumber(), second.getSerialNumber());
    }

    @Test
    void renewsTheLeafBeforeItCouldNoLongerCoverAJwtAndKeepsSigning() throws Exception {
        Instant start = Instant.now();
        AtomicReference<Instant> now = new AtomicReference<>(start);
        Clock clock = new Clock() {
            @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(java.time.ZoneId zone) { return this; }
            @Override public Instant instant() { return now.get(); }
        };
        // 60 s JWTs, 60 s leeway, 60 s margin: a 190 s leaf is renewed from 10 s after it was made.
        RegistryTokenHandler rotating = handler(Duration.ofSeconds(60), Duration.ofSeconds(190), clock);
        String before = jwt(rotating);
        now.set(start.plusSeconds(5));
        String stillBefore = jwt(rotating);
        now.set(start.plusSeconds(11));
        String after = jwt(rotating);

        assertEquals(leafOf(before), leafOf(stillBefore));
        assertNotEquals(leafOf(before).getPublicKey(), leafOf(after).getPublicKey(), "a new key and leaf");
        assertEquals(2, calls.count("Sign"), calls::toString);
        assertVerifiesUpToTheCa(before, start.plusSeconds(60 + 60)); // the old leaf still covers its JWT's last second
        assertVerifiesUpToTheCa(after, start.plusSeconds(11));
    }

    @Test
    void grantsTheIntersectionAndLeavesOutScopesGrantedNothing() throws Exception {
        ApiResult answer = ApiCall.from("registry-token.json").authorizerContext(login("PULL"))
                .rawQuery("service=registry.local&scope=repository:acme/app:pull,push&scope=repository:other/app:pull"
                        + "&scope=malformed&scope=repository:acme/base:pull")
                .to(handler).assertStatus(200);
        JsonNode access = part(answer.body().get("token").asText(), 1).get("access");
        assertEquals(JSON.readTree("[{\"type\":\"repository\",\"name\":\"acme/app\",\"actions\":[\"pull\"]},"
                + "{\"type\":\"repository\",\"name\":\"acme/base\",\"actions\":[\"pull\"]}]"), access);
    }

    @Test
    void grantsEachOfSeveralScopesSentSpaceSeparatedInOneParameterAsDistributionWritesAMount() throws Exception {
        ApiResult answer = ApiCall.from("registry-token.json")
                .rawQuery("service=registry.local&scope=repository:acme/a:pull%20repository:acme/b:pull").to(handler).assertStatus(200);
        assertEquals(JSON.readTree("[{\"type\":\"repository\",\"name\":\"acme/a\",\"actions\":[\"pull\"]},"
                + "{\"type\":\"repository\",\"name\":\"acme/b\",\"actions\":[\"pull\"]}]"),
                part(answer.body().get("token").asText(), 1).get("access"));
    }

    @Test
    void neverCopiesAMalformedRepositoryNameIntoTheJwt() throws Exception {
        String query = "service=registry.local"
                + "&scope=repository:acme/app%0Ainjected:pull"
                + "&scope=repository:acme/../other:pull"
                + "&scope=repository:acme/UPPER:pull"
                + "&scope=repository:acme/" + "a".repeat(260) + ":pull";
        ApiResult answer = ApiCall.from("registry-token.json").rawQuery(query).to(handler).assertStatus(200);
        String claims = new String(Base64.getUrlDecoder().decode(answer.body().get("token").asText().split("\\.")[1]), StandardCharsets.UTF_8);
        assertEquals(0, JSON.readTree(claims).get("access").size(), claims);
        for (String fragment : List.of("injected", "..", "UPPER", "aaaa")) {
            assertFalse(claims.contains(fragment), claims);
        }
    }

    @Test
    void refusesMoreThanFiftyScopesAndAcceptsFifty() {
        String fifty = IntStream.range(0, 50).mapToObj(i -> "scope=repository:acme/app" + i + ":pull").collect(Collectors.joining("&"));
        ApiCall.from("registry-token.json").rawQuery("service=registry.local&" + fifty).to(handler).assertStatus(200);
        ApiCall.from("registry-token.json").rawQuery("service=registry.local&" + fifty + "&scope=repository:acme/one-more:pull")
                .to(handler).assertError(400, "too_many_scopes", "scope");
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
    void malformedPercentEncodingInTheQueryIsAnInvalidRequestNotAServerError() {
        for (String query : List.of("service=registry.local&scope=%zz", "service=registry.local&scope=repository:acme/app:pull%", "service=%ff")) {
            ApiCall.from("registry-token.json").rawQuery(query).to(handler).assertError(400, "invalid_request", null);
        }
    }

    @Test
    void refusesWithoutAnAuthorizerContext() {
        ApiCall.from("registry-token.json").authorizerContext(null).to(handler).assertError(401, "unauthorized", null);
    }

    @ParameterizedTest
    @EnumSource(DependencyFault.class)
    void answers503WithRetryAfterWhenKmsCannotCertifyTheEnvironmentsKey(DependencyFault fault) {
        RegistryTokenHandler withoutKms = new RegistryTokenHandler(new RegistryTokens(new RegistryTokenIssuer(
                new RegistrySigningKey(fault.kms(Timeouts.HOT_PATH), AwsEmulator.stack().signingKeyId()), "registry-tokens",
                Duration.ofSeconds(300), Duration.ofHours(1), Clock.systemUTC()), "registry.local"));
        ApiCall.from("registry-token.json").to(withoutKms).assertUnavailable();
    }
}
