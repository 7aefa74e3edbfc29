package dev.registrytokens.revocations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.registrytokens.core.LeakedSecrets;
import dev.registrytokens.core.Permission;
import dev.registrytokens.core.Secrets;
import dev.registrytokens.core.TokenRecord;
import dev.registrytokens.core.TokenService;
import dev.registrytokens.core.TokenStatus;
import dev.registrytokens.core.TokenView;
import dev.registrytokens.core.adapters.DynamoDbTokenStore;
import dev.registrytokens.core.adapters.KmsSecretMacs;
import dev.registrytokens.http.SecretScanningSignatures;
import dev.registrytokens.json.Json;
import dev.registrytokens.testing.ApiCall;
import dev.registrytokens.testing.ApiResult;
import dev.registrytokens.testing.TestAccount;
import dev.registrytokens.testing.TestStack;
import dev.registrytokens.testkit.AwsCallCounter;
import dev.registrytokens.testkit.AwsEmulator;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;

/** POST /revocations as its function's role: signed GitHub reports disable live tokens, and nothing else is written. */
@Tag("machine")
class ReportLeakedSecretsHandlerTest {
    private static final String FUNCTION = "ReportLeakedSecretsFunction";
    private static final String KEY_ID = "test-key-made-by-this-test";

    private final KeyPair githubKey = p256();
    private final KeyPair otherKey = p256();
    private final AwsCallCounter dynamoDbCalls = new AwsCallCounter();
    private final AwsCallCounter kmsCalls = new AwsCallCounter();
    private final ReportLeakedSecretsHandler handler = handler(githubKey);
    private final TestAccount owner = TestAccount.fresh();

    private static KeyPair p256() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The handler wired as its no-arg constructor does, through the function's role, with a key set of GitHub's shape. */
    private ReportLeakedSecretsHandler handler(KeyPair key) {
        var stack = AwsEmulator.stack();
        var region = stack.dynamoDbAs(FUNCTION).serviceClientConfiguration().region();
        DynamoDbClient dynamoDb = DynamoDbClient.builder().endpointOverride(stack.endpoint()).region(region).credentialsProvider(stack.roleOf(FUNCTION))
                .overrideConfiguration(config -> config.addExecutionInterceptor(dynamoDbCalls)).httpClient(UrlConnectionHttpClient.create()).build();
        KmsClient kms = KmsClient.builder().endpointOverride(stack.endpoint()).region(region).credentialsProvider(stack.roleOf(FUNCTION))
                .overrideConfiguration(config -> config.addExecutionInterceptor(kmsCalls)).httpClient(UrlConnectionHttpClient.create()).build();
        DynamoDbTokenStore store = new DynamoDbTokenStore(dynamoDb, stack.tableName());
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(key.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
        String keySet = Json.write(Map.of("public_keys", List.of(Map.of("key_identifier", KEY_ID, "key", pem, "is_current", true))));
        return new ReportLeakedSecretsHandler(new LeakedSecrets(store, new KmsSecretMacs(kms, stack.macKeyId()),
                new TokenService(store, null, Clock.systemUTC()), Clock.systemUTC()), SecretScanningSignatures.fromDocument(keySet));
    }

    private static String report(String... secrets) {
        return Json.write(java.util.Arrays.stream(secrets).map(secret -> Map.of("token", secret, "type", "registry_tokens_secret",
                "url", "https://github.com/octo-org/octo-repo/blob/abc/ci.sh", "source", "content")).toList());
    }

    private static String sign(KeyPair key, String body) {
        try {
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(key.getPrivate());
            signer.update(body.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private ApiResult post(String body, String keyId, String signature) {
        ApiCall call = ApiCall.from("report-leaked-secrets.json").body(body);
        call = keyId == null ? call.withoutHeader(SecretScanningSignatures.KEY_ID_HEADER) : call.header(SecretScanningSignatures.KEY_ID_HEADER, keyId);
        call = signature == null ? call.withoutHeader(SecretScanningSignatures.SIGNATURE_HEADER) : call.header(SecretScanningSignatures.SIGNATURE_HEADER, signature);
        return call.to(handler);
    }

    private static String sha256(String text) throws GeneralSecurityException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private TokenRecord stored(TokenView token) {
        return TestStack.store().findToken(owner.namespace(), token.id()).orElseThrow();
    }

    @Test
    void theOldSecretOfAResetStillInItsGraceIsLiveToo() throws Exception {
        TokenView token = TestStack.createToken(owner, "in-grace", Permission.PULL, 30);
        TestStack.tokenService().reset(owner.membership(), token.id(), null, 3600);
        String body = report(token.secret());
        ApiResult result = post(body, KEY_ID, sign(githubKey, body)).assertStatus(200);

        assertEquals("true_positive", result.body().get(0).get("label").asText(), "found through the previousMac index");
        assertEquals(TokenStatus.DISABLED, stored(token).status());
        assertNull(stored(token).previousSecretExpiresAt(), "the leak ends the grace");
        assertNull(TestStack.store().findLogin(token.username()).orElseThrow().previousMac(), "and the old MAC is gone");
    }

    @Test
    void aSignedReportOfALiveSecretDisablesThatTokenAndLabelsItTruePositive() throws Exception {
        TokenView leaked = TestStack.createToken(owner, "leaked", Permission.PULL_PUSH, 30);
        TokenView bystander = TestStack.createToken(owner, "bystander", Permission.PULL, 30);
        String body = report(leaked.secret());
        ApiResult result = post(body, KEY_ID, sign(githubKey, body)).assertStatus(200);

        JsonNode answer = result.body().get(0);
        assertEquals(sha256(leaked.secret()), answer.get("token_hash").asText());
        assertEquals("registry_tokens_secret", answer.get("token_type").asText());
        assertEquals("true_positive", answer.get("label").asText());
        assertEquals(1, result.body().size());
        assertFalse(result.body().toString().contains(leaked.id()) || result.body().toString().contains(owner.namespace()),
                "the answer names no token or namespace");

        assertEquals(TokenStatus.DISABLED, stored(leaked).status(), "disabled, not deleted");
        assertEquals(TokenRecord.LEAK_REPORTED, stored(leaked).disabledReason());
        assertEquals(TokenStatus.DISABLED, TestStack.store().findLogin(leaked.username()).orElseThrow().status(), "its logins fail at once");
        assertEquals(TokenStatus.ENABLED, stored(bystander).status());
        assertNull(stored(bystander).disabledReason());
    }

    @Test
    void aBadSignatureOrNoneIs401AndChangesNothing() {
        TokenView leaked = TestStack.createToken(owner, "still-live", Permission.PULL, 30);
        String body = report(leaked.secret());
        post(body, KEY_ID, sign(otherKey, body)).assertError(401, "invalid_signature", SecretScanningSignatures.SIGNATURE_HEADER);
        post(body, KEY_ID, sign(githubKey, body + " ")).assertError(401, "invalid_signature", SecretScanningSignatures.SIGNATURE_HEADER);
        post(body, "an-unknown-key", sign(githubKey, body)).assertError(401, "invalid_signature", SecretScanningSignatures.SIGNATURE_HEADER);
        ApiResult unsigned = post(body, null, null).assertError(401, "invalid_signature", SecretScanningSignatures.SIGNATURE_HEADER);
        assertFalse(unsigned.headers().containsKey("WWW-Authenticate"), "no bearer challenge: the signature is what is missing");
        post(body, KEY_ID, "not base64!").assertError(401, "invalid_signature", SecretScanningSignatures.SIGNATURE_HEADER);
        assertEquals(0, dynamoDbCalls.total() + kmsCalls.total(), "refused before any AWS call");
        assertEquals(TokenStatus.ENABLED, stored(leaked).status());
    }

    @Test
    void aWellFormedUnknownSecretIsAFalsePositiveAndWritesNothing() throws Exception {
        String unknown = Secrets.generate();
        String body = report(unknown);
        ApiResult result = post(body, KEY_ID, sign(githubKey, body)).assertStatus(200);
        assertEquals("false_positive", result.body().get(0).get("label").asText());
        assertEquals(sha256(unknown), result.body().get(0).get("token_hash").asText());
        assertEquals(1, kmsCalls.count("GenerateMac"));
        assertEquals(2, dynamoDbCalls.count("Query"), "one lookup in each MAC index: mac, then previousMac");
        assertEquals(0, dynamoDbCalls.count("TransactWriteItems") + dynamoDbCalls.count("UpdateItem") + dynamoDbCalls.count("PutItem"),
                "no write: " + dynamoDbCalls);
    }

    @Test
    void aMalformedSecretCostsNoKmsCallAndTheListIsCapped() {
        String body = report("rgt_tooshort", "ghp_notours");
        ApiResult result = post(body, KEY_ID, sign(githubKey, body)).assertStatus(200);
        assertEquals(List.of("false_positive", "false_positive"), result.body().findValuesAsText("label"));
        assertEquals(0, kmsCalls.total());
        assertEquals(0, dynamoDbCalls.total());

        String[] many = new String[ReportLeakedSecretsHandler.MAX_REPORTED_SECRETS + 1];
        java.util.Arrays.fill(many, "rgt_x");
        String tooMany = report(many);
        post(tooMany, KEY_ID, sign(githubKey, tooMany)).assertError(400, "too_many_tokens", null);
    }
}
