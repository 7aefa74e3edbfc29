package dev.registrytokens.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
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
 * The token endpoint renews its environment's key and leaf certificate during a run, and both real registries accept
 * JWTs signed before and after: 60 s JWTs and 181 s leaves, so a leaf is renewed one second after it was made.
 */
@Tag("machine")
@ParameterizedClass(name = "{0}")
@EnumSource(RegistryProcess.Version.class)
class LeafRotationEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static RegistryStage stage;
    private static LocalApiProcess api;
    @TempDir
    static Path work;
    private final RegistryProcess registry;

    LeafRotationEndToEndTest(RegistryProcess.Version version) {
        this.registry = stage.registry(version);
    }

    @BeforeAll
    static void startApi() throws Exception {
        stage = RegistryStage.start(work, Map.of("RegistryTokenLifetimeSeconds", "60", "SigningCertificateLifetimeSeconds", "181"));
        api = stage.api;
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
    void jwtsSignedBeforeAndAfterALeafRenewalAreBothAccepted() throws Exception {
        String namespace = "rot" + UUID.randomUUID().toString().substring(0, 8);
        var created = api.call("POST", "/tokens", api.bearerFor("owner-" + namespace, namespace),
                "{\"name\":\"ci\",\"permission\":\"PULL\",\"expiresInDays\":1}");
        assertEquals(201, created.status(), created.body()::toString);
        String basic = "Basic " + Base64.getEncoder().encodeToString((created.body().get("username").asText() + ":"
                + created.body().get("secret").asText()).getBytes(StandardCharsets.UTF_8));
        String repository = namespace + "/app";

        String before = jwt(basic, repository);
        Thread.sleep(1_500);
        String after = jwt(basic, repository);

        assertNotEquals(leaf(before), leaf(after), "the environment renewed its key and leaf");
        for (String jwt : new String[] {before, after}) {
            HttpResponse<String> answer = listTags(repository, jwt);
            // Past authorization the registry looks for the repository, which nobody pushed: 404, not 401.
            assertEquals(404, answer.statusCode(), answer::body);
        }
    }

    private static String jwt(String basic, String repository) throws Exception {
        var answer = api.call("GET", "/v2/token?service=registry.local&scope=repository:" + repository + ":pull", null, null,
                "Authorization", basic);
        assertEquals(200, answer.status(), answer.body()::toString);
        return answer.body().get("token").asText();
    }

    private static String leaf(String jwt) throws Exception {
        JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[0]));
        return header.get("x5c").get(0).asText();
    }

    private HttpResponse<String> listTags(String repository, String jwt) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://" + registry.host() + "/v2/" + repository + "/tags/list"))
                    .header("Authorization", "Bearer " + jwt).build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
