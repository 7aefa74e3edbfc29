package dev.registrytokens.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * Repository scopes end to end, on each registry version with skopeo: a token with {@code app} PULL_PUSH and
 * {@code team/**} PULL, made on the namespace route by a member, pushes {@code NS/app}, pulls {@code NS/team/a/b}, cannot
 * push there, and gets nothing on {@code NS/other}; the JWT the token endpoint issues grants exactly that.
 */
@Tag("machine")
@ParameterizedClass(name = "{0}")
@EnumSource(RegistryProcess.Version.class)
class ScopedLoginEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RULES = "[{\"pattern\":\"app\",\"permission\":\"PULL_PUSH\"},{\"pattern\":\"team/**\",\"permission\":\"PULL\"}]";
    private static RegistryStage stage;
    private static LocalApiProcess api;
    private static Path image;
    @TempDir
    static Path work;
    private final RegistryProcess registry;

    ScopedLoginEndToEndTest(RegistryProcess.Version version) {
        this.registry = stage.registry(version);
    }

    private record Token(String username, String secret) {
    }

    @BeforeAll
    static void startApi() throws Exception {
        stage = RegistryStage.start(work, Map.of());
        api = stage.api;
        image = work.resolve("image");
        OciImage.write(image, "v1", "hello from a scoped token\n");
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

    /** A token made by a member of the namespace on its namespace route. */
    private static Token create(String namespace, String name, String repositories) throws Exception {
        String bearer = api.bearerWithMemberships("member-" + namespace, namespace + ":member");
        var answer = api.call("POST", "/namespaces/" + namespace + "/tokens", bearer, "{\"name\":\"" + name
                + "\",\"permission\":\"PULL_PUSH\",\"expiresInDays\":1,\"repositories\":" + repositories + "}");
        assertEquals(201, answer.status(), answer.body()::toString);
        assertEquals("member-" + namespace, answer.body().path("createdBy").asText());
        return new Token(answer.body().get("username").asText(), answer.body().get("secret").asText());
    }

    private String repo(String namespace, String path) {
        return registry.host() + "/" + namespace + "/" + path;
    }

    @Test
    void aScopedTokenPushesAndPullsExactlyWhereItsRulesAllow() throws Exception {
        String namespace = "scoped" + UUID.randomUUID().toString().substring(0, 8);
        Token everything = create(namespace, "seed", "null");
        Token scoped = create(namespace, "scoped", RULES);
        Skopeo skopeo = new Skopeo(Files.createTempDirectory(work, "skopeo"));
        assertTrue(skopeo.push(image, "v1", repo(namespace, "team/a/b") + ":v1", everything.username(), everything.secret()).succeeded());
        assertTrue(skopeo.push(image, "v1", repo(namespace, "other") + ":v1", everything.username(), everything.secret()).succeeded());

        var pushApp = skopeo.push(image, "v1", repo(namespace, "app") + ":v1", scoped.username(), scoped.secret());
        assertTrue(pushApp.succeeded(), pushApp::output);
        var pullTeam = skopeo.pull(repo(namespace, "team/a/b") + ":v1", work.resolve("team-" + namespace), "v1", scoped.username(), scoped.secret());
        assertTrue(pullTeam.succeeded(), pullTeam::output);
        var pushTeam = skopeo.push(image, "v1", repo(namespace, "team/a/b") + ":v2", scoped.username(), scoped.secret());
        assertFalse(pushTeam.succeeded(), "team/** is pull only: " + pushTeam.output());
        var pullOther = skopeo.pull(repo(namespace, "other") + ":v1", work.resolve("other-" + namespace), "v1", scoped.username(), scoped.secret());
        assertFalse(pullOther.succeeded(), "no rule matches other: " + pullOther.output());
    }

    @Test
    void theIssuedJwtGrantsExactlyTheRulesIntersection() throws Exception {
        String namespace = "scoped" + UUID.randomUUID().toString().substring(0, 8);
        Token scoped = create(namespace, "scoped", RULES);
        String basic = "Basic " + Base64.getEncoder().encodeToString((scoped.username() + ":" + scoped.secret()).getBytes(StandardCharsets.UTF_8));
        var answer = api.call("GET", "/v2/token?service=registry.local"
                + "&scope=repository:" + namespace + "/app:pull,push"
                + "&scope=repository:" + namespace + "/team/a/b:pull,push"
                + "&scope=repository:" + namespace + "/other:pull", null, null, "Authorization", basic);
        assertEquals(200, answer.status(), answer.body()::toString);
        String[] jwt = answer.body().get("token").asText().split("\\.");
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(jwt[1]));
        assertEquals(JSON.readTree("[{\"type\":\"repository\",\"name\":\"" + namespace + "/app\",\"actions\":[\"pull\",\"push\"]},"
                + "{\"type\":\"repository\",\"name\":\"" + namespace + "/team/a/b\",\"actions\":[\"pull\"]}]"), claims.get("access"));
    }
}
