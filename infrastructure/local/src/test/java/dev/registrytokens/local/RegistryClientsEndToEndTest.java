package dev.registrytokens.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every registry client a user may pick (skopeo, crane, oras, regctl) logs in to each registry version with a token
 * made through the local API, pushes, pulls back and copies across repositories, and is refused a push with a PULL
 * token. The gateway's access lines count the token requests each operation made; the figures are printed as a table.
 */
@Tag("machine")
@ParameterizedClass(name = "{0}")
@EnumSource(RegistryProcess.Version.class)
class RegistryClientsEndToEndTest {
    private static RegistryStage stage;
    /** Token requests by client and registry, then by operation. */
    private static final Map<String, Map<String, TokenRequests>> FIGURES = new TreeMap<>();
    private static LocalApiProcess api;
    private static Path image;
    private static String imageDigest;
    @TempDir
    static Path work;
    private final RegistryProcess.Version version;
    private final RegistryProcess registry;

    RegistryClientsEndToEndTest(RegistryProcess.Version version) {
        this.version = version;
        this.registry = stage.registry(version);
    }

    private record Measured(CommandLine.Result result, TokenRequests tokenRequests) {
    }

    @BeforeAll
    static void startApi() throws Exception {
        stage = RegistryStage.start(work, Map.of());
        api = stage.api;
        image = work.resolve("image");
        imageDigest = OciImage.write(image, "v1", "hello from registry-tokens\n");
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
    static void printTokenRequestsPerOperation() {
        System.out.println(TokenRequests.table(FIGURES, List.of("login", "push", "pull", "copy", "refused push")));
    }

    @AfterAll
    static void stopApi() {
        stage.close();
    }

    /** Runs one client operation and counts the token requests the gateway logged meanwhile. */
    private Measured measure(RegistryClient.Kind client, String operation, Callable<CommandLine.Result> run) throws Exception {
        int before = api.accessLines().size();
        CommandLine.Result result = run.call();
        List<Gateway.AccessLine> lines = api.accessLines();
        TokenRequests tokenRequests = TokenRequests.of(lines.subList(before, lines.size()));
        FIGURES.computeIfAbsent(client + " / " + version, row -> new TreeMap<>()).put(operation, tokenRequests);
        return new Measured(result, tokenRequests);
    }

    private record Token(String username, String secret) {
    }

    private static Token create(String namespace, String permission) throws Exception {
        var answer = api.call("POST", "/tokens", api.bearerFor("owner-" + namespace, namespace),
                "{\"name\":\"ci\",\"permission\":\"" + permission + "\",\"expiresInDays\":1}");
        assertEquals(201, answer.status(), answer.body()::toString);
        return new Token(answer.body().get("username").asText(), answer.body().get("secret").asText());
    }

    /**
     * The registry by the realm's host name: oras refuses a loopback realm unless the registry is reached at the
     * realm's own host.
     */
    private String host() {
        return "localhost:" + registry.port;
    }

    private String repo(String namespace, String name) {
        return host() + "/" + namespace + "/" + name;
    }

    /** The operation succeeded, and it asked the token endpoint for a token at least once and got one. */
    private static void assertSucceededWithATokenRequest(Measured measured) {
        assertTrue(measured.result().succeeded(), measured.result()::output);
        assertTrue(measured.tokenRequests().total() >= 1, () -> "no token request: " + measured.result().output());
        assertTrue(measured.tokenRequests().ok() >= 1, () -> "no token granted: " + measured.tokenRequests());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(RegistryClient.Kind.class)
    void logsInPushesPullsBackTheSameDigestAndCopiesAcrossRepositories(RegistryClient.Kind kind) throws Exception {
        String namespace = "clients" + UUID.randomUUID().toString().substring(0, 8);
        Token token = create(namespace, "PULL_PUSH");
        RegistryClient client = kind.in(Files.createTempDirectory(work, kind + "-push"));

        assertTrue(measure(kind, "login", () -> client.login(host(), token.username(), token.secret())).result().succeeded());
        assertSucceededWithATokenRequest(measure(kind, "push", () -> client.push(image, "v1", repo(namespace, "app") + ":v1")));
        Path pulled = work.resolve(kind + "-pulled-" + namespace);
        assertSucceededWithATokenRequest(measure(kind, "pull", () -> client.pull(repo(namespace, "app") + ":v1", pulled, "v1")));
        assertEquals(imageDigest, OciImage.onlyManifestDigest(pulled));

        assertSucceededWithATokenRequest(measure(kind, "copy",
                () -> client.copy(repo(namespace, "app") + ":v1", repo(namespace, "copy") + ":v1")));
        Path copied = work.resolve(kind + "-copied-" + namespace);
        CommandLine.Result pullCopy = client.pull(repo(namespace, "copy") + ":v1", copied, "v1");
        assertTrue(pullCopy.succeeded(), pullCopy::output);
        assertEquals(imageDigest, OciImage.onlyManifestDigest(copied));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(RegistryClient.Kind.class)
    void withAPullTokenThePushIsRefusedByTheRegistryAfterATokenWasGranted(RegistryClient.Kind kind) throws Exception {
        String namespace = "clients" + UUID.randomUUID().toString().substring(0, 8);
        Token token = create(namespace, "PULL");
        RegistryClient client = kind.in(Files.createTempDirectory(work, kind + "-pull"));
        CommandLine.Result login = client.login(host(), token.username(), token.secret());
        assertTrue(login.succeeded(), login::output);

        Measured push = measure(kind, "refused push", () -> client.push(image, "v1", repo(namespace, "app") + ":v1"));
        assertFalse(push.result().succeeded(), push.result()::output);
        String output = push.result().output().toLowerCase();
        assertTrue(output.contains("unauthorized") || output.contains("denied") || output.contains("insufficient_scope"), output);
        // The token endpoint grants a PULL token's pull and leaves out push; the registry is the one that refuses.
        assertTrue(push.tokenRequests().ok() >= 1, () -> "no token granted: " + push.tokenRequests());
    }
}
