package dev.registrytokens.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.registrytokens.testkit.AwsEmulator;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Rotation and containment through the local API, its functions in their own Lambda runtimes, against distribution 3
 * with the real docker CLI and skopeo: a reset's grace (both secrets pull while it runs, only the new one after it,
 * through stored docker credentials, skopeo's per-copy credentials and the password grant), a second reset and a
 * disable ending a grace, and a token's source allow-list.
 * <p>
 * The functions run on the real clock, so the grace is crossed for real: it is long enough for the checks made
 * during it even on a loaded machine, and each such check asserts it ended before the grace did (else the run says
 * so instead of passing on a verdict it did not see).
 */
@Tag("machine")
class RotationEndToEndTest {
    private static final int GRACE_SECONDS = 60;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final RegistryProcess.Version VERSION = RegistryProcess.Version.DISTRIBUTION_3;
    private static RegistryStage stage;
    private static LocalApiProcess api;
    private static RegistryProcess registry;
    private static Path rootfs;
    @TempDir
    static Path work;

    @BeforeAll
    static void start() throws Exception {
        stage = RegistryStage.start(work, Map.of());
        api = stage.api;
        stage.startRegistry(VERSION);
        registry = stage.registry(VERSION);
        rootfs = work.resolve("rootfs.tar");
        Files.write(rootfs, OciImage.tar("hello.txt", "rotation\n".getBytes(StandardCharsets.UTF_8)));
    }

    @AfterAll
    static void stop() {
        if (stage != null) {
            stage.close();
        }
    }

    private record Token(String id, String username, String secret) {
    }

    private static String newNamespace() {
        return "rot" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String owner(String namespace) {
        return api.bearerFor("owner-" + namespace, namespace);
    }

    private static Token create(String namespace, String name, String permission, String allowedSources) throws Exception {
        var created = api.call("POST", "/tokens", owner(namespace), "{\"name\":\"" + name + "\",\"permission\":\"" + permission
                + "\",\"expiresInDays\":1" + (allowedSources == null ? "" : ",\"allowedSources\":" + allowedSources) + "}");
        assertEquals(201, created.status(), created.body()::toString);
        return new Token(created.body().get("id").asText(), created.body().get("username").asText(), created.body().get("secret").asText());
    }

    /** Resets with the given grace; the answer holds the new secret and previousSecretExpiresAt. */
    private static JsonNode reset(String namespace, Token token, int graceSeconds) throws Exception {
        var reset = api.call("POST", "/tokens/" + token.id() + "/reset", owner(namespace), "{\"graceSeconds\":" + graceSeconds + "}");
        assertEquals(200, reset.status(), reset.body()::toString);
        return reset.body();
    }

    private static void post(String namespace, Token token, String action) throws Exception {
        var answer = api.call("POST", "/tokens/" + token.id() + "/" + action, owner(namespace), null);
        assertEquals(200, answer.status(), answer.body()::toString);
    }

    private static JsonNode get(String namespace, Token token) throws Exception {
        var answer = api.call("GET", "/tokens/" + token.id(), owner(namespace), null);
        assertEquals(200, answer.status(), answer.body()::toString);
        return answer.body();
    }

    private String image(String namespace) {
        return registry.host() + "/" + namespace + "/app:v1";
    }

    /** An image of the namespace, pushed with docker by a PULL_PUSH token of its own. */
    private String pushed(String namespace) throws Exception {
        Token pusher = create(namespace, "pusher", "PULL_PUSH", null);
        DockerCli docker = docker("pusher");
        assertSucceeded(docker.login(registry.host(), pusher.username(), pusher.secret()));
        String image = image(namespace);
        assertSucceeded(docker.importImage(rootfs, image));
        assertSucceeded(docker.push(image));
        return image;
    }

    private static DockerCli docker(String purpose) throws Exception {
        return new DockerCli(Files.createTempDirectory(work, "docker-" + purpose));
    }

    /** docker logged in with this secret (its credentials stored, and sent again at every pull). */
    private DockerCli dockerLoggedIn(String purpose, Token token, String secret) throws Exception {
        DockerCli docker = docker(purpose);
        assertSucceeded(docker.login(registry.host(), token.username(), secret));
        return docker;
    }

    private static boolean freshPull(DockerCli docker, String image) throws Exception {
        docker.remove(image);
        return docker.pull(image).succeeded();
    }

    private static boolean skopeoPull(String image, Token token, String secret) throws Exception {
        Path home = Files.createTempDirectory(work, "skopeo");
        return new Skopeo(home).pull(image, home.resolve("layout"), "v1", token.username(), secret).succeeded();
    }

    /** The OAuth2 password grant (POST /v2/token) for a pull of the image's repository: its status. */
    private static int passwordGrant(String namespace, Token token, String secret) throws Exception {
        String form = "grant_type=password&service=registry.local&client_id=rotation&username="
                + URLEncoder.encode(token.username(), StandardCharsets.UTF_8) + "&password=" + URLEncoder.encode(secret, StandardCharsets.UTF_8)
                + "&scope=" + URLEncoder.encode("repository:" + namespace + "/app:pull", StandardCharsets.UTF_8);
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(api.uri("/v2/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            LocalApiProcess.assertDescribed(answer);
            return answer.statusCode();
        }
    }

    private static void assertSucceeded(CommandLine.Result result) {
        assertTrue(result.succeeded(), result::output);
    }

    /** What was checked during a grace counts only if the grace had not ended by the time the check did. */
    private static void assertStillInGrace(Instant graceEnds) {
        assertTrue(Instant.now().isBefore(graceEnds), "the machine was too slow: the grace ended before the checks made during it"
                + " did, so they prove nothing (raise GRACE_SECONDS)");
    }

    @Test
    void bothSecretsPullDuringTheGraceWithDockerSkopeoAndThePasswordGrantAndOnlyTheNewOneAfter() throws Exception {
        String namespace = newNamespace();
        String image = pushed(namespace);
        Token token = create(namespace, "ci", "PULL", null);
        DockerCli old = dockerLoggedIn("old", token, token.secret());
        assertTrue(freshPull(old, image));

        JsonNode reset = reset(namespace, token, GRACE_SECONDS);
        String secret = reset.get("secret").asText();
        Instant graceEnds = Instant.parse(reset.get("previousSecretExpiresAt").asText());
        assertEquals(graceEnds.toString(), get(namespace, token).get("previousSecretExpiresAt").asText());
        DockerCli renewed = dockerLoggedIn("new", token, secret);

        assertTrue(freshPull(old, image), "docker's stored old secret, in its grace");
        assertTrue(freshPull(renewed, image), "docker with the new secret");
        assertTrue(skopeoPull(image, token, token.secret()), "skopeo with the old secret, in its grace");
        assertTrue(skopeoPull(image, token, secret), "skopeo with the new secret");
        assertEquals(200, passwordGrant(namespace, token, token.secret()), "the password grant of the old secret, in its grace");
        assertEquals(200, passwordGrant(namespace, token, secret));
        assertStillInGrace(graceEnds);

        Thread.sleep(Duration.between(Instant.now(), graceEnds).plusSeconds(1));
        assertFalse(freshPull(old, image), "the grace is over: docker's stored old secret is refused");
        assertFalse(skopeoPull(image, token, token.secret()), "skopeo's old secret is refused");
        assertEquals(400, passwordGrant(namespace, token, token.secret()), "the password grant refuses the old secret (invalid_grant)");
        assertTrue(freshPull(renewed, image));
        assertTrue(skopeoPull(image, token, secret));
        assertEquals(200, passwordGrant(namespace, token, secret));
        assertTrue(get(namespace, token).get("previousSecretExpiresAt").isNull());
    }

    @Test
    void aSecondResetEndsTheFirstGraceAtOnce() throws Exception {
        String namespace = newNamespace();
        String image = pushed(namespace);
        Token token = create(namespace, "ci", "PULL", null);
        String first = reset(namespace, token, 3600).get("secret").asText();
        assertTrue(skopeoPull(image, token, token.secret()), "the original secret, in the first grace");
        DockerCli original = dockerLoggedIn("original", token, token.secret());

        String second = reset(namespace, token, 3600).get("secret").asText();
        assertFalse(skopeoPull(image, token, token.secret()), "three secrets are never valid: the original one is refused");
        assertFalse(freshPull(original, image), "docker's stored original secret too");
        assertTrue(skopeoPull(image, token, first), "the first reset's secret is in the second grace");
        assertTrue(skopeoPull(image, token, second));
    }

    @Test
    void aDisableDuringAGraceRefusesBothSecretsAndEnablingDoesNotReviveTheOldOne() throws Exception {
        String namespace = newNamespace();
        String image = pushed(namespace);
        Token token = create(namespace, "ci", "PULL", null);
        DockerCli old = dockerLoggedIn("old", token, token.secret());
        String secret = reset(namespace, token, 3600).get("secret").asText();
        DockerCli renewed = dockerLoggedIn("new", token, secret);
        assertTrue(freshPull(old, image));

        post(namespace, token, "disable");
        assertFalse(freshPull(old, image), "disabled: the old secret is refused");
        assertFalse(freshPull(renewed, image), "disabled: the new secret is refused");
        assertFalse(skopeoPull(image, token, token.secret()));
        assertFalse(skopeoPull(image, token, secret));
        assertTrue(get(namespace, token).get("previousSecretExpiresAt").isNull(), "disabling ended the grace");

        post(namespace, token, "enable");
        assertFalse(freshPull(old, image), "enabling again does not revive the old secret");
        assertFalse(skopeoPull(image, token, token.secret()));
        assertTrue(freshPull(renewed, image));
    }

    /** GET /v2/token with Basic credentials, sent from {@code from} (a loopback address): its status. */
    private static int loginFrom(String from, Token token) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(api.uri("/v2/token?service=registry.local"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (token.username() + ":" + token.secret()).getBytes(StandardCharsets.UTF_8)))
                .build();
        try (HttpClient http = HttpClient.newBuilder().localAddress(InetAddress.getByName(from)).build()) {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            LocalApiProcess.assertDescribed(response);
            return response.statusCode();
        }
    }

    /** The failures counted against a source in the current failure window (the deployment's default, 5 minutes). */
    private static boolean failureCounted(String source) {
        String key = "LOGIN-FAILURES#" + source + "#" + Instant.now().getEpochSecond() / 300;
        try (var dynamoDb = AwsEmulator.stack().dynamoDb()) {
            return dynamoDb.getItem(request -> request.tableName(AwsEmulator.stack().tableName()).consistentRead(true)
                    .key(Map.of("pk", AttributeValue.fromS(key), "sk", AttributeValue.fromS(key)))).hasItem();
        }
    }

    @Test
    void aLoginFromOutsideTheAllowListIsRefusedUncountedAndOneFromInsideIsAccepted() throws Exception {
        // This run's own loopback pair (all of 127/8 is loopback), so that no other test's failures are in its counters.
        String network = "127." + (1 + RANDOM.nextInt(254)) + "." + (1 + RANDOM.nextInt(254)) + ".";
        String outside = network + "2";
        String inside = network + "3";
        String namespace = newNamespace();
        Token token = create(namespace, "fenced", "PULL", "[\"" + inside + "/32\"]");

        assertEquals(403, loginFrom(outside, token), "refused from outside the list, with the right secret");
        assertFalse(failureCounted(outside), "the refusal was not counted as a guess");
        assertTrue(api.log().contains("\"reason\":\"source_not_allowed\",\"username\":\"" + token.username() + "\",\"source\":\"" + outside + "\""),
                "the authorizer refused it for its source, before any MAC");
        assertEquals(200, loginFrom(inside, token));

        var anywhere = api.call("PATCH", "/tokens/" + token.id(), owner(namespace), "{\"allowedSources\":null}");
        assertEquals(200, anywhere.status(), anywhere.body()::toString);
        assertEquals(200, loginFrom(outside, token), "null: from anywhere");
    }
}
