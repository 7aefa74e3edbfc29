package dev.registrytokens.oauthtoken;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.registrytokens.aws.AwsClients.Timeouts;
import dev.registrytokens.core.CreateTokenRequest;
import dev.registrytokens.core.Permission;
import dev.registrytokens.core.Secrets;
import dev.registrytokens.core.TokenStatus;
import dev.registrytokens.core.TokenView;
import dev.registrytokens.registry.RegistryTokenIssuer;
import dev.registrytokens.registry.RegistryTokens;
import dev.registrytokens.testing.ApiCall;
import dev.registrytokens.testing.ApiResult;
import dev.registrytokens.testing.CapturedOutput;
import dev.registrytokens.testing.RegistryFixtures;
import dev.registrytokens.testing.TestAccount;
import dev.registrytokens.testing.TestStack;
import dev.registrytokens.testkit.AwsCallCounter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import dev.registrytokens.testing.DependencyFault;
import dev.registrytokens.registry.RegistryLogins;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** The OAuth2 password grant on POST /v2/token makes the authorizer's login decision and the GET route's grant. */
@Tag("machine")
class OAuthTokenHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final AwsCallCounter calls = new AwsCallCounter();
    private final OAuthTokenHandler handler = new OAuthTokenHandler(RegistryFixtures.logins(calls, Clock.systemUTC()),
            new RegistryTokens(new RegistryTokenIssuer(RegistryFixtures.signingKey(calls), "registry-tokens",
                    Duration.ofSeconds(300), Duration.ofHours(1), Clock.systemUTC()), "registry.local"));
    private final TestAccount owner = TestAccount.fresh();
    /** This test's own source address: failed grants count against it. */
    private final String source = RegistryFixtures.freshSource();

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** A password grant as containerd sends it: scopes space-separated in one field, and a client_id. */
    private static String passwordGrant(String username, String secret, String scopes) {
        return "grant_type=password&username=" + encode(username) + "&password=" + encode(secret)
                + "&service=registry.local&scope=" + encode(scopes) + "&client_id=containerd-client";
    }

    /** The form posted from this test's source, under a request id of its own. */
    private ApiResult post(String form) {
        return post(form, UUID.randomUUID().toString());
    }

    /** The form posted from this test's source, under the given request id. */
    private ApiResult post(String form, String requestId) {
        return ApiCall.from("registry-oauth-token.json").source(source).requestId(requestId)
                .body(Base64.getEncoder().encodeToString(form.getBytes(StandardCharsets.UTF_8))).to(handler);
    }

    /** The decision line the function logged (standard output) for the request with this id: exactly one. */
    private static JsonNode decisionLine(String requestId) throws Exception {
        List<String> lines = CapturedOutput.text().lines()
                .filter(line -> line.contains("\"requestId\":\"" + requestId + "\"") && line.contains("\"allowed\":")).toList();
        assertEquals(1, lines.size(), () -> "decision lines of " + requestId + ": " + lines);
        return JSON.readTree(lines.getFirst());
    }

    private static JsonNode claims(String jwt) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }

    @Test
    void aPasswordGrantWithSpaceSeparatedScopesGetsAJwtGrantingEachRepository() throws Exception {
        TokenView token = TestStack.createToken(owner, "ci", Permission.PULL_PUSH, 30);
        String a = owner.namespace() + "/a";
        String b = owner.namespace() + "/b";
        ApiResult answer = post(passwordGrant(token.username(), token.secret(), "repository:" + a + ":pull,push repository:" + b + ":pull"))
                .assertStatus(200);
        assertEquals(300, answer.body().get("expires_in").asLong());
        assertTrue(answer.body().get("issued_at").isTextual());
        assertEquals("repository:" + a + ":pull,push repository:" + b + ":pull", answer.body().get("scope").asText());
        JsonNode access = claims(answer.body().get("access_token").asText()).get("access");
        assertEquals(JSON.readTree("[{\"type\":\"repository\",\"name\":\"" + a + "\",\"actions\":[\"pull\",\"push\"]},"
                + "{\"type\":\"repository\",\"name\":\"" + b + "\",\"actions\":[\"pull\"]}]"), access);
    }

    @Test
    void aRepeatGrantCostsWhatARepeatGetLoginCostsOneReadAndNoKms() {
        TokenView token = TestStack.createToken(owner, "ci", Permission.PULL, 30);
        String form = passwordGrant(token.username(), token.secret(), "repository:" + owner.namespace() + "/app:pull");
        post(form).assertStatus(200);
        calls.reset();
        post(form).assertStatus(200);
        assertEquals(1, calls.count("BatchGetItem"), calls::toString);
        assertEquals(1, calls.total(), calls::toString);
    }

    @Test
    void aGrantFromOutsideTheAllowListIsInvalidGrantWithNoKmsCallAndNoFailureWrite() {
        TokenView token = TestStack.tokenService().create(owner.membership(),
                new CreateTokenRequest("fenced", Permission.PULL, null, 30, null, List.of("127.0.0.3/32")));
        String form = passwordGrant(token.username(), token.secret(), "repository:" + owner.namespace() + "/app:pull");
        calls.reset();
        ApiResult refused = ApiCall.from("registry-oauth-token.json").source("127.0.0.2")
                .body(Base64.getEncoder().encodeToString(form.getBytes(StandardCharsets.UTF_8))).to(handler).assertStatus(400);
        assertEquals("invalid_grant", refused.body().get("error").asText());
        assertEquals(0, calls.count("GenerateMac"), calls::toString);
        assertEquals(0, calls.count("UpdateItem"), calls::toString);
        ApiCall.from("registry-oauth-token.json").source("127.0.0.3")
                .body(Base64.getEncoder().encodeToString(form.getBytes(StandardCharsets.UTF_8))).to(handler).assertStatus(200);
    }

    @Test
    void bothSecretsAreGrantedDuringAResetsGrace() {
        TokenView token = TestStack.createToken(owner, "overlap", Permission.PULL, 30);
        TokenView reset = TestStack.tokenService().reset(owner.membership(), token.id(), null, 3600);
        String scope = "repository:" + owner.namespace() + "/app:pull";
        post(passwordGrant(token.username(), token.secret(), scope)).assertStatus(200);
        post(passwordGrant(token.username(), reset.secret(), scope)).assertStatus(200);
        TestStack.tokenService().setStatus(owner.membership(), token.id(), null, TokenStatus.DISABLED);
        post(passwordGrant(token.username(), token.secret(), scope)).assertStatus(400);
        post(passwordGrant(token.username(), reset.secret(), scope)).assertStatus(400);
    }

    @Test
    void badCredentialsAreInvalidGrantAndCountLikeAWrongBasicLogin() throws Exception {
        TokenView token = TestStack.createToken(owner, "ci", Permission.PULL, 30);
        String wrong = Secrets.generate(); // well-formed, so it reaches KMS

        calls.reset();
        ApiResult answer = post(passwordGrant(token.username(), wrong, "repository:" + owner.namespace() + "/app:pull")).assertStatus(400);
        assertEquals("invalid_grant", answer.body().get("error").asText());
        assertTrue(answer.body().get("error_description").isTextual());
        assertEquals(1, calls.count("GenerateMac"), calls::toString);
        assertEquals(2, calls.count("UpdateItem"),
                "one counted failure against the source and the minute's one usage write, as a wrong Basic login: " + calls);
        calls.reset();
        String requestId = "unknown-user-" + UUID.randomUUID();
        post(passwordGrant(owner.namespace() + "+nobody", token.secret(), ""), requestId).assertStatus(400);
        assertEquals(1, calls.total(), "an unknown username: the login read only, no KMS, no write: " + calls);
        JsonNode decision = decisionLine(requestId);
        assertFalse(decision.path("allowed").asBoolean(true), "the authorizer's decision line: " + decision);
        assertEquals("unknown_user", decision.path("reason").asText(), decision::toString);
        assertEquals(owner.namespace() + "+nobody", decision.path("username").asText(), decision::toString);
        assertEquals(source, decision.path("source").asText(), decision::toString);
    }

    @Test
    void aRefreshTokenGrantIsUnsupported() {
        ApiResult answer = post("grant_type=refresh_token&refresh_token=x&service=registry.local&client_id=c").assertStatus(400);
        assertEquals("unsupported_grant_type", answer.body().get("error").asText());
        assertEquals(0, calls.total(), calls::toString);
    }

    @Test
    void aGrantWithoutPasswordOrNotAFormIsAnInvalidRequest() {
        assertEquals("invalid_request", post("grant_type=password&username=acme%2Bci&service=registry.local").assertStatus(400)
                .body().get("error").asText());
        ApiResult json = ApiCall.from("registry-oauth-token.json").source(source).header("Content-Type", "application/json")
                .body(Base64.getEncoder().encodeToString("{}".getBytes(StandardCharsets.UTF_8))).to(handler).assertStatus(400);
        assertEquals("invalid_request", json.body().get("error").asText());
    }

    @Test
    void aFormWithMalformedPercentEncodingIsAnInvalidRequestWithoutAnyAwsCall() {
        assertEquals("invalid_request", post("grant_type=password&username=acme%2Bci&password=%zz&service=registry.local")
                .assertStatus(400).body().get("error").asText());
        assertEquals(0, calls.total(), calls::toString);
    }

    @Test
    void moreThanFiftyScopesIsAnInvalidScope() {
        TokenView token = TestStack.createToken(owner, "ci", Permission.PULL, 30);
        String scopes = String.join(" ", java.util.Collections.nCopies(51, "repository:" + owner.namespace() + "/app:pull"));
        assertEquals("invalid_scope", post(passwordGrant(token.username(), token.secret(), scopes)).assertStatus(400)
                .body().get("error").asText());
    }

    @ParameterizedTest
    @EnumSource(DependencyFault.class)
    void answers503WithRetryAfterWhenDynamoDbOrKmsFails(DependencyFault fault) {
        TokenView token = TestStack.createToken(owner, "ci", Permission.PULL, 30);
        String form = passwordGrant(token.username(), token.secret(), "repository:" + owner.namespace() + "/app:pull");
        RegistryTokens tokens = new RegistryTokens(new RegistryTokenIssuer(RegistryFixtures.signingKey(calls), "registry-tokens",
                Duration.ofSeconds(300), Duration.ofHours(1), Clock.systemUTC()), "registry.local");
        var withoutTable = new OAuthTokenHandler(new RegistryLogins(TestStack.loginStore(fault), TestStack.macs(), Clock.systemUTC(),
                RegistryFixtures.FAILURE_LIMIT, RegistryFixtures.FAILURE_WINDOW), tokens);
        var withoutKms = new OAuthTokenHandler(new RegistryLogins(TestStack.loginStore(), TestStack.macs(fault, Timeouts.HOT_PATH), Clock.systemUTC(),
                RegistryFixtures.FAILURE_LIMIT, RegistryFixtures.FAILURE_WINDOW), tokens);
        for (OAuthTokenHandler failing : new OAuthTokenHandler[] {withoutTable, withoutKms}) {
            ApiResult answer = ApiCall.from("registry-oauth-token.json").source(source)
                    .body(Base64.getEncoder().encodeToString(form.getBytes(StandardCharsets.UTF_8))).to(failing);
            // A dependency that fails is no bad grant: the caller may retry, and containerd does not fall back to GET.
            assertEquals(503, answer.status(), answer.body()::toString);
            assertTrue(answer.headers().get("Retry-After").matches("[1-9][0-9]*"), answer.headers()::toString);
        }
    }
}
