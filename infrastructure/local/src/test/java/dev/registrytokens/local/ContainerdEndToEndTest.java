package dev.registrytokens.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
 * containerd's registry client (the one BuildKit and nerdctl use too) logging in through the local API: it asks the
 * token realm with the OAuth2 password grant (a POST) first and falls back to a GET only when the POST answers 400,
 * 401, 404 or 405, so a working POST saves a round trip on every token fetch.
 */
@Tag("machine")
@ParameterizedClass(name = "{0}")
@EnumSource(RegistryProcess.Version.class)
class ContainerdEndToEndTest {
    private static RegistryStage stage;
    private static LocalApiProcess api;
    private static Path image;
    private static String manifestDigest;
    @TempDir
    static Path work;
    private final RegistryProcess registry;

    ContainerdEndToEndTest(RegistryProcess.Version version) {
        this.registry = stage.registry(version);
    }

    @BeforeAll
    static void startApi() throws Exception {
        stage = RegistryStage.start(work, Map.of());
        api = stage.api;
        image = work.resolve("image");
        manifestDigest = OciImage.write(image, "v1", "hello from containerd's resolver\n");
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

    @Test
    void containerdFetchesAManifestAndABlobWithOneOAuth2PostAndNoGetFallback() throws Exception {
        String namespace = "ctrd" + UUID.randomUUID().toString().substring(0, 8);
        String reference = registry.host() + "/" + namespace + "/app:v1";
        var pusher = api.createRegistryToken(namespace, "ci-push", "PULL_PUSH");
        var pushed = new Skopeo(Files.createTempDirectory(work, "skopeo")).push(image, "v1", reference, pusher.username(), pusher.secret());
        assertTrue(pushed.succeeded(), pushed::output);
        var puller = api.createRegistryToken(namespace, "ci-pull", "PULL");

        var fetch = ContainerdFetch.fetch(reference, puller.username(), puller.secret());

        assertTrue(fetch.succeeded(), fetch::output);
        assertEquals(List.of("POST /v2/token 200"), fetch.tokenRequests(),
                "containerd's requests to the token realm: one password-grant POST, answered, and no GET fallback");
        assertEquals("manifest " + manifestDigest, fetch.fetched().getFirst());
        assertTrue(fetch.fetched().getLast().startsWith("blob sha256:"), fetch::output);
        assertFalse(fetch.output().contains(puller.secret()), "containerd-fetch printed the secret");
    }
}
