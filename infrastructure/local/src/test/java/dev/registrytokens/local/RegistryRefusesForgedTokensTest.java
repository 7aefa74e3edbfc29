package dev.registrytokens.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each real registry, trusting a CA this test made (its rootcertbundle), refuses JWTs whose x5c leaf does not
 * chain to that CA, is expired, or did not sign the JWT. The registry is called directly with the JWT, as a client
 * holding one would; the accepted control differs from each forgery in that one respect only.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(RegistryProcess.Version.class)
@Tag("machine")
class RegistryRefusesForgedTokensTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    // config.yml's auth.token.issuer and service.
    private static final String ISSUER = "registry-tokens";
    private static final String SERVICE = "registry.local";
    private static final String REPOSITORY = "acme/app";
    private static final String CA_NAME = "registry-tokens test CA";
    private static final TestCertificates.Authority TRUSTED_CA = TestCertificates.certificateAuthority(CA_NAME);
    private static final Map<RegistryProcess.Version, RegistryProcess> REGISTRIES = new EnumMap<>(RegistryProcess.Version.class);
    @TempDir
    static Path work;
    private final RegistryProcess registry;

    RegistryRefusesForgedTokensTest(RegistryProcess.Version version) {
        this.registry = REGISTRIES.get(version);
    }

    @BeforeParameterizedClassInvocation
    static void startRegistryTrustingTheTestsCa(RegistryProcess.Version version) throws Exception {
        Path bundle = work.resolve("trusted-ca.pem");
        Files.writeString(bundle, TRUSTED_CA.pem());
        // The registry only names the realm in its challenges; these tests never follow one.
        REGISTRIES.put(version, RegistryProcess.start(version, "http://127.0.0.1:9/v2/token", bundle, work.resolve("storage-" + version)));
    }

    @AfterParameterizedClassInvocation
    static void stopRegistry(RegistryProcess.Version version) {
        REGISTRIES.remove(version).close();
    }

    private static TestCertificates.Issued validLeaf(TestCertificates.Authority ca) {
        Instant now = Instant.now();
        return TestCertificates.leaf(ca, now.minusSeconds(60), now.plusSeconds(600));
    }

    /** A JWT with valid claims granting pull on REPOSITORY, carrying the leaf as x5c, signed by the given key. */
    private static String jwt(TestCertificates.Issued leaf, PrivateKey signer) throws Exception {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> header = Map.of("typ", "JWT", "alg", "ES256", "x5c", List.of(Base64.getEncoder().encodeToString(leaf.der())));
        Map<String, Object> claims = Map.of("iss", ISSUER, "sub", "acme+ci", "aud", SERVICE,
                "exp", now + 300, "nbf", now - 10, "iat", now, "jti", UUID.randomUUID().toString(),
                "access", List.of(Map.of("type", "repository", "name", REPOSITORY, "actions", List.of("pull"))));
        Base64.Encoder base64Url = Base64.getUrlEncoder().withoutPadding();
        String signingInput = base64Url.encodeToString(JSON.writeValueAsBytes(header)) + "." + base64Url.encodeToString(JSON.writeValueAsBytes(claims));
        Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format");
        signature.initSign(signer);
        signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + base64Url.encodeToString(signature.sign());
    }

    private HttpResponse<String> listTags(String jwt) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://" + registry.host() + "/v2/" + REPOSITORY + "/tags/list"))
                    .header("Authorization", "Bearer " + jwt).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    private void assertRefused(String jwt) throws Exception {
        HttpResponse<String> answer = listTags(jwt);
        assertEquals(401, answer.statusCode(), answer::body);
    }

    @Test
    void jwtSignedByALeafOfItsRootCertBundleIsAccepted() throws Exception {
        TestCertificates.Issued leaf = validLeaf(TRUSTED_CA);
        HttpResponse<String> answer = listTags(jwt(leaf, leaf.keys().getPrivate()));
        // Past authorization, the registry looks for the repository, which nobody pushed.
        assertEquals(404, answer.statusCode(), answer::body);
        assertTrue(answer.body().contains("NAME_UNKNOWN"), answer::body);
    }

    @Test
    void jwtWhoseLeafChainsToAnotherRootIsRefused() throws Exception {
        // The impostor CA even bears the trusted CA's name: only its key differs.
        TestCertificates.Issued leaf = validLeaf(TestCertificates.certificateAuthority(CA_NAME));
        assertRefused(jwt(leaf, leaf.keys().getPrivate()));
    }

    @Test
    void jwtSignedByAKeyOtherThanItsLeafsIsRefused() throws Exception {
        assertRefused(jwt(validLeaf(TRUSTED_CA), TestCertificates.newKeyPair().getPrivate()));
    }

    @Test
    void jwtWhoseLeafHasExpiredIsRefused() throws Exception {
        Instant now = Instant.now();
        TestCertificates.Issued expired = TestCertificates.leaf(TRUSTED_CA, now.minusSeconds(3600), now.minusSeconds(600));
        assertRefused(jwt(expired, expired.keys().getPrivate()));
    }
}
