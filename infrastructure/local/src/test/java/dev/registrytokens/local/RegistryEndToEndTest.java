package dev.registrytokens.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registrytokens.core.LoginRecord;
import dev.registrytokens.core.TokenRecord;
import dev.registrytokens.testkit.AwsEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * End to end: tokens made through the local API, a real registry (CNCF distribution) whose token realm is
 * that API, and skopeo as the registry client, logging in, pushing and pulling for real; every test runs
 * against each registry version.
 */
@Tag("machine")
@ParameterizedClass(name = "{0}")
@EnumSource(RegistryProcess.Version.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegistryEndToEndTest {
    private static final List<String> ISSUED_SECRETS = new CopyOnWriteArrayList<>();
    private static RegistryStage stage;
    private static LocalApiProcess api;
    private static Path image;
    @TempDir
    static Path work;
    private final RegistryProcess registry;

    RegistryEndToEndTest(RegistryProcess.Version version) {
        this.registry = stage.registry(version);
    }

    private record Token(String id, String username, String secret) {
    }

    @BeforeAll
    static void startApi() throws Exception {
        stage = RegistryStage.start(work, Map.of());
        api = stage.api;
        image = work.resolve("image");
        OciImage.write(image, "v1", "hello from registry-tokens\n");
    }

    @BeforeParameterizedClassInvocation
    static void startRegistry(RegistryProcess.Version version) throws Exception {
        stage.startRegistry(version);
    }

    @AfterParameterizedClassInvocation
    static void stopRegistry(RegistryProcess.Version version) {
        stage.stopRegistry(version);
    }

    @AfterAll
    static void stopApi() {
        stage.close();
    }

    private static String namespace() {
        return "e2e" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Token create(String namespace, String name, String permission) throws Exception {
        var answer = api.call("POST", "/tokens", api.bearerFor("owner-" + namespace, namespace),
                "{\"name\":\"" + name + "\",\"permission\":\"" + permission + "\",\"expiresInDays\":1}");
        assertEquals(201, answer.status(), answer.body()::toString);
        ISSUED_SECRETS.add(answer.body().get("secret").asText());
        return new Token(answer.body().get("id").asText(), answer.body().get("username").asText(), answer.body().get("secret").asText());
    }

    /** Both of the token's records expired a minute ago in the table, as if TTL had deleted neither yet. */
    private static void expireInTable(String namespace, Token token) {
        String login = LoginRecord.key(token.username());
        var past = Map.of(":past", AttributeValue.fromN(Long.toString(Instant.now().minusSeconds(60).getEpochSecond())));
        try (var dynamoDb = AwsEmulator.stack().dynamoDb()) {
            for (var key : List.of(List.of(TokenRecord.partitionKey(namespace), TokenRecord.sortKey(token.id())), List.of(login, login))) {
                dynamoDb.updateItem(update -> update.tableName(AwsEmulator.stack().tableName()).updateExpression("SET expiresAt = :past")
                        .key(Map.of("pk", AttributeValue.fromS(key.get(0)), "sk", AttributeValue.fromS(key.get(1)))).expressionAttributeValues(past));
            }
        }
    }

    private static LocalApiProcess.Answer act(String namespace, String method, String path) throws Exception {
        return api.call(method, path, api.bearerFor("owner-" + namespace, namespace), null);
    }

    private Skopeo skopeo() throws Exception {
        return new Skopeo(Files.createTempDirectory(work, "skopeo"));
    }

    private String repo(String namespace, String name) {
        return registry.host() + "/" + namespace + "/" + name;
    }

    @Test
    void pullPushTokenPushesIntoItsNamespaceAndPullsItBack() throws Exception {
        String namespace = namespace();
        Token token = create(namespace, "ci-push", "PULL_PUSH");
        Skopeo skopeo = skopeo();
        var pushed = skopeo.push(image, "v1", repo(namespace, "app") + ":v1", token.username(), token.secret());
        assertTrue(pushed.succeeded(), pushed::output);
        Path pulled = work.resolve("pulled-" + namespace);
        var pull = skopeo.pull(repo(namespace, "app") + ":v1", pulled, "v1", token.username(), token.secret());
        assertTrue(pull.succeeded(), pull::output);
        assertEquals(OciImage.manifestDigest(image, "v1"), OciImage.manifestDigest(pulled, "v1"));
        assertFalse(act(namespace, "GET", "/tokens/" + token.id()).body().get("lastUsedAt").isNull(), "a login records lastUsedAt");
    }

    @Test
    void pullTokenPullsButItsPushIsRefused() throws Exception {
        String namespace = namespace();
        Token pusher = create(namespace, "ci-push", "PULL_PUSH");
        Token puller = create(namespace, "ci-pull", "PULL");
        Skopeo skopeo = skopeo();
        var pushed = skopeo.push(image, "v1", repo(namespace, "app") + ":v1", pusher.username(), pusher.secret());
        assertTrue(pushed.succeeded(), pushed::output);

        var pull = skopeo.pull(repo(namespace, "app") + ":v1", work.resolve("pull-only-" + namespace), "v1", puller.username(), puller.secret());
        assertTrue(pull.succeeded(), pull::output);
        var push = skopeo.push(image, "v1", repo(namespace, "app") + ":v2", puller.username(), puller.secret());
        assertFalse(push.succeeded(), push::output);
        assertTrue(push.output().contains("unauthorized") || push.output().contains("denied"), push::output);
    }

    @Test
    void neitherTokenReachesOutsideItsNamespace() throws Exception {
        String mine = namespace();
        String theirs = namespace();
        Token theirPusher = create(theirs, "ci-push", "PULL_PUSH");
        Skopeo skopeo = skopeo();
        var pushed = skopeo.push(image, "v1", repo(theirs, "app") + ":v1", theirPusher.username(), theirPusher.secret());
        assertTrue(pushed.succeeded(), pushed::output);

        Token myPusher = create(mine, "ci-push", "PULL_PUSH");
        Token myPuller = create(mine, "ci-pull", "PULL");
        for (Token token : new Token[] {myPusher, myPuller}) {
            assertFalse(skopeo.push(image, "v1", repo(theirs, "app") + ":mine", token.username(), token.secret()).succeeded());
            assertFalse(skopeo.pull(repo(theirs, "app") + ":v1", work.resolve("stolen-" + UUID.randomUUID()), "v1",
                    token.username(), token.secret()).succeeded());
        }
    }

    @Test
    void loginIsRefusedForEveryBadCredentialAndRestoredWhenFixed() throws Exception {
        String namespace = namespace();
        Token token = create(namespace, "login", "PULL");
        Skopeo skopeo = skopeo();
        String host = registry.host();
        assertTrue(skopeo.login(host, token.username(), token.secret()).succeeded(), "the right secret logs in");

        String secret = token.secret();
        String wrongSecret = create(namespace, "other", "PULL").secret();
        String badChecksum = secret.substring(0, secret.length() - 1) + (secret.endsWith("A") ? "B" : "A");
        assertFalse(skopeo.login(host, token.username(), wrongSecret).succeeded(), "wrong secret");
        assertFalse(skopeo.login(host, token.username(), badChecksum).succeeded(), "bad checksum");
        assertFalse(skopeo.login(host, namespace + "+nobody", secret).succeeded(), "unknown username");

        assertEquals(200, act(namespace, "POST", "/tokens/" + token.id() + "/disable").status());
        assertFalse(skopeo.login(host, token.username(), secret).succeeded(), "disabled");
        assertEquals(200, act(namespace, "POST", "/tokens/" + token.id() + "/enable").status());
        assertTrue(skopeo.login(host, token.username(), secret).succeeded(), "re-enabled");

        var reset = act(namespace, "POST", "/tokens/" + token.id() + "/reset");
        String newSecret = reset.body().get("secret").asText();
        ISSUED_SECRETS.add(newSecret);
        assertFalse(skopeo.login(host, token.username(), secret).succeeded(), "old secret after reset");
        assertTrue(skopeo.login(host, token.username(), newSecret).succeeded(), "new secret after reset");

        Token expiring = create(namespace, "expiring", "PULL");
        expireInTable(namespace, expiring);
        assertFalse(skopeo.login(host, expiring.username(), expiring.secret()).succeeded(), "expired");

        assertEquals(204, act(namespace, "DELETE", "/tokens/" + token.id()).status());
        assertFalse(skopeo.login(host, token.username(), newSecret).succeeded(), "deleted");
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void noSecretReachedTheApiLogTheRegistryLogOrTheTable() throws Exception {
        assertFalse(ISSUED_SECRETS.isEmpty());
        String apiLog = api.log();
        String registryLog = registry.log();
        assertTrue(apiLog.contains("\"route\":\"GET /v2/token\""), "the API logged the registry logins");
        StringBuilder table = new StringBuilder();
        try (var dynamoDb = AwsEmulator.stack().dynamoDb()) {
            dynamoDb.scanPaginator(scan -> scan.tableName(AwsEmulator.stack().tableName())).items()
                    .forEach(item -> table.append(item).append('\n'));
        }
        for (String secret : ISSUED_SECRETS) {
            assertFalse(apiLog.contains(secret), "a secret is in the API log");
            assertFalse(registryLog.contains(secret), "a secret is in the registry log");
            assertFalse(table.indexOf(secret) >= 0, "a secret is in the table");
        }
    }
}
