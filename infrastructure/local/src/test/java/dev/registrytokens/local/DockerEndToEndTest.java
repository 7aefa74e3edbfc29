package dev.registrytokens.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The seed's flow with the real docker CLI and Docker Engine, against each registry version whose logins go through
 * the local API: {@code docker login REGISTRY -u USERNAME -p SECRET} (and {@code --password-stdin}), push and pull by
 * permission, refusals, the token's lifecycle seen through stored credentials, logout, and a BuildKit build FROM a
 * private image. Images come from {@code docker import} of a tarball made here. The gateway's access lines count the
 * token requests of each docker operation; the figures are printed as a table.
 */
@Tag("machine")
@ParameterizedClass(name = "{0}")
@EnumSource(RegistryProcess.Version.class)
class DockerEndToEndTest {
    private static final Map<String, Map<String, TokenRequests>> FIGURES = new TreeMap<>();
    private static RegistryStage stage;
    private static LocalApiProcess api;
    private static Path rootfs;
    @TempDir
    static Path work;
    private final RegistryProcess.Version version;
    private final RegistryProcess registry;

    DockerEndToEndTest(RegistryProcess.Version version) {
        this.version = version;
        this.registry = stage.registry(version);
    }

    @BeforeAll
    static void startApi() throws Exception {
        stage = RegistryStage.start(work, Map.of());
        api = stage.api;
        rootfs = work.resolve("rootfs.tar");
        Files.write(rootfs, OciImage.tar("hello.txt", "hello from registry-tokens\n".getBytes(StandardCharsets.UTF_8)));
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
        System.out.println(TokenRequests.table(FIGURES, List.of("login", "push", "pull", "build", "refused push")));
    }

    @AfterAll
    static void stopApi() {
        stage.close();
    }

    /** The registry as the seed names it: a loopback address, which Docker reaches over plain HTTP without configuration. */
    private String host() {
        return registry.host();
    }

    private String image(String namespace, String name) {
        return host() + "/" + namespace + "/" + name + ":v1";
    }

    private static String newNamespace() {
        return "docker" + UUID.randomUUID().toString().substring(0, 8);
    }

    private DockerCli docker(String purpose) throws Exception {
        return new DockerCli(Files.createTempDirectory(work, "docker-" + purpose));
    }

    /** Runs one docker operation and records the token requests the gateway logged meanwhile. */
    private CommandLine.Result measure(String operation, Callable<CommandLine.Result> run) throws Exception {
        int before = api.accessLines().size();
        CommandLine.Result result = run.call();
        List<Gateway.AccessLine> lines = api.accessLines();
        FIGURES.computeIfAbsent("docker / " + version, row -> new TreeMap<>())
                .put(operation, TokenRequests.of(lines.subList(before, lines.size())));
        return result;
    }

    private static void assertSucceeded(CommandLine.Result result) {
        assertTrue(result.succeeded(), result::output);
    }

    /**
     * Refused by the registry (unauthorized, denied) or by the token endpoint's authorizer, whose 403 docker prints as
     * "error parsing http 403 response body" followed by API Gateway's {"message":"forbidden"}.
     */
    private static void assertRefused(CommandLine.Result result) {
        assertFalse(result.succeeded(), result::output);
        String output = result.output().toLowerCase();
        assertTrue(output.contains("unauthorized") || output.contains("denied") || output.contains("insufficient_scope")
                || output.contains("403") && output.contains("forbidden"), output);
    }

    /** An image pushed by a PULL_PUSH token of the namespace, with docker, so that other tokens can pull it. */
    private String pushed(String namespace, String name) throws Exception {
        LocalApiProcess.RegistryToken pusher = api.createRegistryToken(namespace, "pusher", "PULL_PUSH");
        DockerCli docker = docker("pusher");
        assertSucceeded(docker.login(host(), pusher.username(), pusher.secret()));
        String image = image(namespace, name);
        assertSucceeded(docker.importImage(rootfs, image));
        assertSucceeded(docker.push(image));
        return image;
    }

    /** A fresh pull: the local copy removed first, so that docker asks the registry for every part. */
    private static CommandLine.Result freshPull(DockerCli docker, String image) throws Exception {
        docker.remove(image);
        return docker.pull(image);
    }

    @Test
    void loginWithTheSecretOnTheCommandLinePushesAndPullsBackTheSameImage() throws Exception {
        String namespace = newNamespace();
        LocalApiProcess.RegistryToken token = api.createRegistryToken(namespace, "ci-push", "PULL_PUSH");
        DockerCli docker = docker("push");
        String image = image(namespace, "app");

        CommandLine.Result login = measure("login", () -> docker.login(host(), token.username(), token.secret()));
        assertSucceeded(login);
        assertTrue(login.output().contains("Login Succeeded"), login::output);
        assertSucceeded(docker.importImage(rootfs, image));
        String imported = docker.imageId(image).output().strip();
        assertSucceeded(measure("push", () -> docker.push(image)));
        assertSucceeded(docker.remove(image));
        assertFalse(docker.imageId(image).succeeded(), "the local copy was removed");
        assertSucceeded(measure("pull", () -> docker.pull(image)));
        assertEquals(imported, docker.imageId(image).output().strip());
    }

    @Test
    void dockerStoresTheSecretItselfSinceNoRefreshTokenIsIssuedForItsOfflineTokenLogin() throws Exception {
        // docker login asks with offline_token=true and client_id=docker, and stores an "identitytoken" when the answer
        // has a refresh_token; this service issues none, so docker keeps the username and secret, checked again at every login.
        String namespace = newNamespace();
        LocalApiProcess.RegistryToken token = api.createRegistryToken(namespace, "ci", "PULL");
        DockerCli docker = docker("stored");
        assertSucceeded(docker.loginWithPasswordStdin(host(), token.username(), token.secret()));

        var stored = docker.storedCredentials(host());
        assertFalse(stored.has("identitytoken"), stored::toString);
        assertEquals(token.username() + ":" + token.secret(),
                new String(Base64.getDecoder().decode(stored.path("auth").asText()), StandardCharsets.UTF_8));
    }

    @Test
    void aPullTokenLoggedInWithPasswordStdinPullsAndIsRefusedAPush() throws Exception {
        String namespace = newNamespace();
        String image = pushed(namespace, "app");
        LocalApiProcess.RegistryToken token = api.createRegistryToken(namespace, "ci-pull", "PULL");
        DockerCli docker = docker("pull");

        CommandLine.Result login = docker.loginWithPasswordStdin(host(), token.username(), token.secret());
        assertSucceeded(login);
        assertTrue(login.output().contains("Login Succeeded"), login::output);
        assertSucceeded(freshPull(docker, image));
        assertRefused(measure("refused push", () -> docker.push(image)));
    }

    @Test
    void aPushIntoAnotherNamespaceIsRefused() throws Exception {
        String namespace = newNamespace();
        String other = newNamespace();
        api.createRegistryToken(other, "owner", "PULL_PUSH");
        LocalApiProcess.RegistryToken token = api.createRegistryToken(namespace, "ci-push", "PULL_PUSH");
        DockerCli docker = docker("foreign");
        assertSucceeded(docker.login(host(), token.username(), token.secret()));
        String foreign = image(other, "app");
        assertSucceeded(docker.importImage(rootfs, foreign));

        assertRefused(docker.push(foreign));
    }

    @Test
    void aWrongSecretIsRefusedByDockerLogin() throws Exception {
        String namespace = newNamespace();
        LocalApiProcess.RegistryToken token = api.createRegistryToken(namespace, "ci", "PULL");
        DockerCli docker = docker("wrong");
        String wrong = token.secret().substring(0, token.secret().length() - 1)
                + (token.secret().endsWith("A") ? "B" : "A");

        CommandLine.Result login = docker.login(host(), token.username(), wrong);
        assertFalse(login.succeeded(), login::output);
        assertFalse(login.output().contains("Login Succeeded"), login::output);
        assertTrue(docker.storedCredentials(host()).isMissingNode(), "docker stored no credentials");
    }

    /** Logs in, pulls, applies {@code change} to the token through the API, and answers the next pull with the stored credentials. */
    private CommandLine.Result pullAfter(String method, String action) throws Exception {
        String namespace = newNamespace();
        String image = pushed(namespace, "app");
        LocalApiProcess.RegistryToken token = api.createRegistryToken(namespace, "ci", "PULL");
        DockerCli docker = docker(method.toLowerCase() + "-" + action.replace('/', '-'));
        assertSucceeded(docker.login(host(), token.username(), token.secret()));
        assertSucceeded(freshPull(docker, image));

        String id = tokenId(namespace, token);
        var changed = api.call(method, "/tokens/" + id + action, api.bearerFor("owner-" + namespace, namespace), null);
        assertTrue(changed.status() == 200 || changed.status() == 204, () -> changed.status() + " " + changed.body());
        return freshPull(docker, image);
    }

    private static String tokenId(String namespace, LocalApiProcess.RegistryToken token) throws Exception {
        var listed = api.call("GET", "/tokens", api.bearerFor("owner-" + namespace, namespace), null);
        for (var item : listed.body().path("items")) {
            if (item.path("username").asText().equals(token.username())) {
                return item.path("id").asText();
            }
        }
        throw new IllegalStateException("no token " + token.username() + " in " + listed.body());
    }

    @Test
    void aResetRefusesTheNextPullWithTheStoredCredentials() throws Exception {
        assertRefused(pullAfter("POST", "/reset"));
    }

    @Test
    void disablingRefusesTheNextPullWithTheStoredCredentials() throws Exception {
        assertRefused(pullAfter("POST", "/disable"));
    }

    @Test
    void deletingRefusesTheNextPullWithTheStoredCredentials() throws Exception {
        assertRefused(pullAfter("DELETE", ""));
    }

    @Test
    void enablingADisabledTokenLetsTheStoredCredentialsPullAgain() throws Exception {
        String namespace = newNamespace();
        String image = pushed(namespace, "app");
        LocalApiProcess.RegistryToken token = api.createRegistryToken(namespace, "ci", "PULL");
        DockerCli docker = docker("enable");
        assertSucceeded(docker.login(host(), token.username(), token.secret()));
        String id = tokenId(namespace, token);
        String owner = api.bearerFor("owner-" + namespace, namespace);
        assertEquals(200, api.call("POST", "/tokens/" + id + "/disable", owner, null).status());
        assertRefused(freshPull(docker, image));

        assertEquals(200, api.call("POST", "/tokens/" + id + "/enable", owner, null).status());
        assertSucceeded(freshPull(docker, image));
    }

    @Test
    void afterLogoutAnAnonymousPullIsRefused() throws Exception {
        String namespace = newNamespace();
        String image = pushed(namespace, "app");
        LocalApiProcess.RegistryToken token = api.createRegistryToken(namespace, "ci", "PULL");
        DockerCli docker = docker("logout");
        assertSucceeded(docker.login(host(), token.username(), token.secret()));
        assertSucceeded(freshPull(docker, image));

        assertSucceeded(docker.logout(host()));
        assertTrue(docker.storedCredentials(host()).isMissingNode(), "logout removed the stored credentials");
        assertRefused(freshPull(docker, image));
    }

    @Test
    void aBuildKitBuildFromAPrivateImageUsesTheStoredCredentials() throws Exception {
        String namespace = newNamespace();
        String base = pushed(namespace, "base");
        LocalApiProcess.RegistryToken token = api.createRegistryToken(namespace, "ci-build", "PULL_PUSH");
        DockerCli docker = docker("build");
        assertSucceeded(docker.login(host(), token.username(), token.secret()));
        docker.remove(base);
        Path context = Files.createTempDirectory(work, "context");
        Files.writeString(context.resolve("Dockerfile"), "FROM " + base + "\nCOPY built.txt /built.txt\n");
        Files.writeString(context.resolve("built.txt"), "built on a private image\n");
        String built = image(namespace, "built");

        assertSucceeded(measure("build", () -> docker.build(context, built)));
        assertSucceeded(docker.push(built));
        assertSucceeded(freshPull(docker, built));
    }

    @Test
    void aBuildKitBuildFromAPrivateImageIsRefusedWithoutCredentials() throws Exception {
        String namespace = newNamespace();
        String base = pushed(namespace, "base");
        DockerCli docker = docker("anonymous-build");
        docker.remove(base);
        Path context = Files.createTempDirectory(work, "context");
        Files.writeString(context.resolve("Dockerfile"), "FROM " + base + "\n");

        assertRefused(docker.build(context, image(namespace, "built")));
    }
}
