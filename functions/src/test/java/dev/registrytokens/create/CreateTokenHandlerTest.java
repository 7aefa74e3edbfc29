package dev.registrytokens.create;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registrytokens.aws.AwsClients.Timeouts;
import dev.registrytokens.core.Permission;
import dev.registrytokens.core.RepositoryRule;
import dev.registrytokens.core.SecretMacs;
import dev.registrytokens.core.Secrets;
import dev.registrytokens.core.TokenService;
import dev.registrytokens.core.TokenStore;
import dev.registrytokens.testing.ApiCall;
import dev.registrytokens.testing.ApiResult;
import dev.registrytokens.testing.Concurrently;
import dev.registrytokens.testing.DependencyFault;
import dev.registrytokens.testing.TestAccount;
import dev.registrytokens.testing.TestStack;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@Tag("machine")
class CreateTokenHandlerTest {
    private final CreateTokenHandler handler = new CreateTokenHandler(TestStack.tokenService());
    private final TestAccount owner = TestAccount.fresh();

    private ApiResult create(String body) {
        return ApiCall.from("create-token.json").as(owner).body(body).to(handler);
    }

    @Test
    void createsTokenWithUsernameAndSecretShownOnce() {
        ApiResult created = create("{\"name\":\"ci-pull\",\"permission\":\"PULL\",\"expiresInDays\":30,\"description\":\"CI\"}")
                .assertStatus(201);

        var body = created.body();
        assertEquals("ci-pull", body.get("name").asText());
        assertEquals(owner.namespace() + "+ci-pull", body.get("username").asText());
        assertEquals("PULL", body.get("permission").asText());
        assertEquals("ENABLED", body.get("status").asText());
        assertEquals("CI", body.get("description").asText());
        assertEquals(1, body.get("version").asLong());
        assertEquals("\"1\"", created.headers().get("ETag"));
        assertEquals(false, body.get("expired").asBoolean());
        Instant expiresAt = Instant.parse(body.get("expiresAt").asText());
        Instant createdAt = Instant.parse(body.get("createdAt").asText());
        assertEquals(30L * 24 * 3600, expiresAt.getEpochSecond() - createdAt.getEpochSecond());
        assertTrue(Secrets.isWellFormed(body.get("secret").asText()), "secret has the documented format");
        assertEquals("no-store", created.headers().get("Cache-Control"));
    }

    @Test
    void createsNeverExpiringTokenWhenExpiresInDaysIsNull() {
        var body = create("{\"name\":\"forever\",\"permission\":\"PULL_PUSH\",\"expiresInDays\":null}").assertStatus(201).body();
        assertTrue(body.get("expiresAt").isNull());
        assertTrue(body.get("description").isNull());
        assertEquals("PULL_PUSH", body.get("permission").asText());
    }

    @Test
    void issuesDifferentSecretsEachTime() {
        String first = create("{\"name\":\"one\",\"permission\":\"PULL\",\"expiresInDays\":1}").body().get("secret").asText();
        String second = create("{\"name\":\"two\",\"permission\":\"PULL\",\"expiresInDays\":1}").body().get("secret").asText();
        assertNotEquals(first, second);
    }

    static Stream<Arguments> badBodies() {
        String longName = "a".repeat(65);
        String longDescription = "d".repeat(257);
        return Stream.of(
                Arguments.of("{not json", 400, "invalid_json", null),
                Arguments.of("[1,2]", 400, "invalid_json", null),
                Arguments.of("{\"name\":\"bad\",\"name\":\"dup\",\"permission\":\"PULL\",\"expiresInDays\":1}", 400, "invalid_json", null),
                Arguments.of("{\"name\":42,\"permission\":\"PULL\",\"expiresInDays\":1}", 400, "invalid_type", "name"),
                Arguments.of("{\"permission\":\"PULL\",\"expiresInDays\":1}", 400, "missing_field", "name"),
                Arguments.of("{\"name\":\"bad\",\"expiresInDays\":1}", 400, "missing_field", "permission"),
                Arguments.of("{\"name\":\"bad\",\"permission\":\"PULL\"}", 400, "missing_field", "expiresInDays"),
                Arguments.of("{\"name\":\"bad\",\"permission\":\"ADMIN\",\"expiresInDays\":1}", 400, "invalid_value", "permission"),
                Arguments.of("{\"name\":\"bad\",\"permission\":[\"PULL\"],\"expiresInDays\":1}", 400, "invalid_type", "permission"),
                Arguments.of("{\"name\":\"bad\",\"permission\":\"PULL\",\"expiresInDays\":0}", 400, "invalid_value", "expiresInDays"),
                Arguments.of("{\"name\":\"bad\",\"permission\":\"PULL\",\"expiresInDays\":3651}", 400, "invalid_value", "expiresInDays"),
                Arguments.of("{\"name\":\"bad\",\"permission\":\"PULL\",\"expiresInDays\":1.5}", 400, "invalid_value", "expiresInDays"),
                Arguments.of("{\"name\":\"bad\",\"permission\":\"PULL\",\"expiresInDays\":99999999999}", 400, "invalid_value", "expiresInDays"),
                Arguments.of("{\"name\":\"bad\",\"permission\":\"PULL\",\"expiresInDays\":\"30\"}", 400, "invalid_type", "expiresInDays"),
                Arguments.of("{\"name\":\"" + longName + "\",\"permission\":\"PULL\",\"expiresInDays\":1}", 400, "invalid_value", "name"),
                Arguments.of("{\"name\":\"Bad-Name\",\"permission\":\"PULL\",\"expiresInDays\":1}", 400, "invalid_value", "name"),
                Arguments.of("{\"name\":\"-leading\",\"permission\":\"PULL\",\"expiresInDays\":1}", 400, "invalid_value", "name"),
                Arguments.of("{\"name\":\"\",\"permission\":\"PULL\",\"expiresInDays\":1}", 400, "invalid_value", "name"),
                Arguments.of("{\"name\":\"a+b\",\"permission\":\"PULL\",\"expiresInDays\":1}", 400, "invalid_value", "name"),
                Arguments.of("{\"name\":\"bad\",\"permission\":\"PULL\",\"expiresInDays\":1,\"description\":\"" + longDescription + "\"}",
                        400, "invalid_value", "description"),
                Arguments.of("{\"name\":\"bad\",\"permission\":\"PULL\",\"expiresInDays\":1,\"description\":7}", 400, "invalid_type", "description"),
                Arguments.of("{\"name\":\"bad\",\"permission\":\"PULL\",\"expiresInDays\":1,\"owner\":\"someone-else\"}", 400, "unknown_field", "owner"),
                Arguments.of("{\"name\":\"bad\",\"permission\":\"PULL\",\"expiresInDays\":1,\"repositories\":\"app\"}", 400, "invalid_type", "repositories"),
                Arguments.of("{\"name\":\"bad\",\"permission\":\"PULL\",\"expiresInDays\":1,\"repositories\":[]}", 400, "invalid_value", "repositories"),
                Arguments.of("{\"name\":\"bad\",\"permission\":\"PULL\",\"expiresInDays\":1,\"repositories\":[\"app\"]}", 400, "invalid_type", "repositories[0]"),
                Arguments.of("{\"name\":\"bad\",\"permission\":\"PULL\",\"expiresInDays\":1,\"repositories\":[{\"pattern\":\"app\",\"permission\":\"PULL\"},{\"permission\":\"PULL\"}]}", 400, "missing_field", "repositories[1].pattern"),
                Arguments.of("{\"name\":\"bad\",\"permission\":\"PULL\",\"expiresInDays\":1,\"repositories\":[{\"pattern\":\"app\"}]}", 400, "missing_field", "repositories[0].permission"),
                Arguments.of("{\"name\":\"bad\",\"permission\":\"PULL\",\"expiresInDays\":1,\"repositories\":[{\"pattern\":\"app\",\"permission\":\"PUSH\"}]}", 400, "invalid_value", "repositories[0].permission"),
                Arguments.of("{\"name\":\"bad\",\"permission\":\"PULL\",\"expiresInDays\":1,\"repositories\":[{\"pattern\":7,\"permission\":\"PULL\"}]}", 400, "invalid_type", "repositories[0].pattern"),
                Arguments.of("{\"name\":\"bad\",\"permission\":\"PULL\",\"expiresInDays\":1,\"repositories\":[{\"pattern\":\"a\",\"permission\":\"PULL\"},{\"pattern\":\"b\",\"permission\":\"PULL\"},{\"pattern\":\"c\",\"permission\":\"PULL\"},{\"pattern\":\"Team/**\",\"permission\":\"PULL\"}]}", 400, "invalid_value", "repositories[3].pattern"),
                Arguments.of("{\"name\":\"bad\",\"permission\":\"PULL\",\"expiresInDays\":1,\"repositories\":[{\"pattern\":\"**/app\",\"permission\":\"PULL\"}]}", 400, "invalid_value", "repositories[0].pattern"),
                Arguments.of("{\"name\":\"bad\",\"permission\":\"PULL\",\"expiresInDays\":1,\"repositories\":[{\"pattern\":\"app\",\"permission\":\"PULL\",\"owner\":\"x\"}]}", 400, "unknown_field", "repositories[0].owner"),
                Arguments.of("{\"name\":\"bad\",\"permission\":\"PULL\",\"expiresInDays\":1,\"repositories\":["
                        + "{\"pattern\":\"a\",\"permission\":\"PULL\"},".repeat(100) + "{\"pattern\":\"b\",\"permission\":\"PULL\"}]}",
                        400, "invalid_value", "repositories"),
                Arguments.of("{\"name\":\"bad\",\"permission\":\"PULL\",\"expiresInDays\":1,\"allowedSources\":\"10.0.0.0/8\"}", 400, "invalid_type", "allowedSources"),
                Arguments.of("{\"name\":\"bad\",\"permission\":\"PULL\",\"expiresInDays\":1,\"allowedSources\":[]}", 400, "invalid_value", "allowedSources"),
                Arguments.of("{\"name\":\"bad\",\"permission\":\"PULL\",\"expiresInDays\":1,\"allowedSources\":[7]}", 400, "invalid_type", "allowedSources"),
                Arguments.of("{\"name\":\"bad\",\"permission\":\"PULL\",\"expiresInDays\":1,\"allowedSources\":[\"10.0.0.0/33\"]}", 400, "invalid_value", "allowedSources"),
                Arguments.of("{\"name\":\"bad\",\"permission\":\"PULL\",\"expiresInDays\":1,\"allowedSources\":[\"example.com\"]}", 400, "invalid_value", "allowedSources"),
                Arguments.of("{\"name\":\"bad\",\"permission\":\"PULL\",\"expiresInDays\":1,\"allowedSources\":["
                        + "\"10.0.0.1\",".repeat(20) + "\"10.0.0.2\"]}", 400, "invalid_value", "allowedSources"),
                // Found from outside: a lone surrogate answered 503; trailing content was ignored; unsafe text was stored.
                Arguments.of("{\"name\":\"bad\",\"permission\":\"PULL\",\"expiresInDays\":1,\"description\":\"\\ud800\"}", 400, "invalid_value", "description"),
                Arguments.of("{\"name\":\"bad\",\"permission\":\"PULL\",\"expiresInDays\":1} trailing", 400, "invalid_json", null),
                Arguments.of("{\"name\":\"bad\",\"permission\":\"PULL\",\"expiresInDays\":1} {\"name\":\"second\"}", 400, "invalid_json", null),
                Arguments.of("{\"name\":\"bad\",\"permission\":\"PULL\",\"expiresInDays\":1,\"description\":\"a\\u0000b\"}", 400, "invalid_value", "description"),
                Arguments.of("{\"name\":\"bad\",\"permission\":\"PULL\",\"expiresInDays\":1,\"description\":\"\\u001B[31mred\"}", 400, "invalid_value", "description"),
                Arguments.of("{\"name\":\"bad\",\"permission\":\"PULL\",\"expiresInDays\":1,\"description\":\"abc\\u202Etxt.exe\"}", 400, "invalid_value", "description"),
                Arguments.of("{\"name\":\"bad\",\"permission\":\"PULL\",\"expiresInDays\":1,\"description\":\"" + "\uD83D\uDE00".repeat(257) + "\"}",
                        400, "invalid_value", "description"),
                Arguments.of("{\"name\":\"bad\",\"permission\":\"PULL\",\"expiresInDays\":1,\"description\":\"" + "x".repeat(33 * 1024) + "\"}",
                        413, "payload_too_large", null));
    }

    @ParameterizedTest(name = "[{index}] {2} {3}")
    @MethodSource("badBodies")
    void rejectsBadInputWithoutWritingAnything(String body, int status, String code, String field) {
        create(body).assertError(status, code, field);
        assertEquals(0, TestStack.itemsFor(owner, owner.namespace() + "+bad"));
        assertEquals(0, TestStack.itemsFor(owner, "none"), "nothing at all was written for this account");
    }

    @Test
    void storesRepositoryRulesOnTheTokenAndItsLoginItemAndShowsThem() {
        var created = create("{\"name\":\"scoped\",\"permission\":\"PULL_PUSH\",\"expiresInDays\":30,\"repositories\":"
                + "[{\"pattern\":\"app\",\"permission\":\"PULL_PUSH\"},{\"pattern\":\"team/**\",\"permission\":\"PULL\"}]}").assertStatus(201);
        var expected = java.util.List.of(new RepositoryRule("app", Permission.PULL_PUSH),
                new RepositoryRule("team/**", Permission.PULL));
        assertEquals("app", created.body().at("/repositories/0/pattern").asText());
        assertEquals("PULL", created.body().at("/repositories/1/permission").asText());
        assertEquals(owner.id(), created.body().path("createdBy").asText());
        assertEquals(owner.namespace(), created.body().path("namespace").asText());
        assertEquals(expected, TestStack.store().findToken(owner.namespace(), created.id()).orElseThrow().repositories());
        assertEquals(expected, TestStack.store().findLogin(created.body().path("username").asText()).orElseThrow().repositories());
        var unscoped = create("{\"name\":\"everything\",\"permission\":\"PULL\",\"expiresInDays\":30}").assertStatus(201);
        assertTrue(unscoped.body().path("repositories").isNull(), "absent means every repository, shown as null");
    }

    @Test
    void storesAllowedSourcesInNormalFormOnBothItemsAndShowsThem() {
        var created = create("{\"name\":\"fenced\",\"permission\":\"PULL\",\"expiresInDays\":30,"
                + "\"allowedSources\":[\"127.0.0.3\",\"10.9.8.7/8\",\"2001:DB8:0:0::/32\"]}").assertStatus(201);
        var expected = java.util.List.of("127.0.0.3/32", "10.0.0.0/8", "2001:db8::/32");
        assertEquals("10.0.0.0/8", created.body().at("/allowedSources/1").asText());
        assertEquals(expected, TestStack.store().findToken(owner.namespace(), created.id()).orElseThrow().allowedSources());
        assertEquals(expected, TestStack.store().findLogin(created.body().path("username").asText()).orElseThrow().allowedSources());
        assertTrue(created.body().path("previousSecretExpiresAt").isNull());
        var anywhere = create("{\"name\":\"open\",\"permission\":\"PULL\",\"expiresInDays\":30}").assertStatus(201);
        assertTrue(anywhere.body().path("allowedSources").isNull(), "absent means anywhere, shown as null");
    }

    @Test
    void acceptsAWholeNumberOfDaysWrittenWithADecimalPoint() {
        var created = create("{\"name\":\"decimal\",\"permission\":\"PULL\",\"expiresInDays\":30.0}").assertStatus(201);
        assertEquals(Instant.parse(created.body().get("createdAt").asText()).plus(java.time.Duration.ofDays(30)).getEpochSecond(),
                Instant.parse(created.body().get("expiresAt").asText()).getEpochSecond(), 1);
    }

    @Test
    void countsADescriptionsLengthInCharactersNotUtf16Units() {
        String emoji = "\uD83D\uDE00".repeat(256); // 256 characters, 512 UTF-16 units
        create("{\"name\":\"smiles\",\"permission\":\"PULL\",\"expiresInDays\":1,\"description\":\"" + emoji + "\"}").assertStatus(201);
    }

    @ParameterizedTest
    @ValueSource(strings = {"image/png", "multipart/form-data; boundary=x", "text/plain", "application/json; charset=utf-16"})
    void rejectsABodyThatIsNotJsonWith415(String contentType) {
        ApiCall.from("create-token.json").as(owner).header("Content-Type", contentType)
                .body("{\"name\":\"bad\",\"permission\":\"PULL\",\"expiresInDays\":1}").to(handler)
                .assertError(415, "unsupported_media_type", "Content-Type");
        assertEquals(0, TestStack.itemsFor(owner, owner.namespace() + "+bad"));
    }

    @Test
    void rejectsABodyThatIsNotUtf8() {
        byte[] utf16 = "{\"name\":\"bad\",\"permission\":\"PULL\",\"expiresInDays\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_16);
        ApiCall.from("create-token.json").as(owner).base64Body(utf16).to(handler).assertError(400, "invalid_json", null);
        assertEquals(0, TestStack.itemsFor(owner, owner.namespace() + "+bad"));
    }

    @Test
    void rejectsMissingIdentityWith401() {
        ApiCall.from("create-token.json").anonymous().to(handler).assertError(401, "unauthorized", null);
    }

    @Test
    void rejectsDuplicateNameWith409() {
        create("{\"name\":\"deploy\",\"permission\":\"PULL\",\"expiresInDays\":1}").assertStatus(201);
        create("{\"name\":\"deploy\",\"permission\":\"PULL_PUSH\",\"expiresInDays\":5}").assertError(409, "name_taken", "name");
        assertEquals(2, TestStack.itemsFor(owner, owner.namespace() + "+deploy"), "one token: its record and its login");
    }

    @Test
    void twentyConcurrentCreatesOfOneNameMakeExactlyOneToken() throws Exception {
        List<Integer> statuses = Concurrently.run(20,
                () -> create("{\"name\":\"race\",\"permission\":\"PULL\",\"expiresInDays\":1}").status());
        assertEquals(1, statuses.stream().filter(s -> s == 201).count(), () -> "statuses " + statuses);
        assertEquals(19, statuses.stream().filter(s -> s == 409).count(), () -> "statuses " + statuses);
        assertEquals(2, TestStack.itemsFor(owner, owner.namespace() + "+race"));
    }

    @ParameterizedTest
    @EnumSource(DependencyFault.class)
    void failsWith503AndWritesNothingWhenKmsFails(DependencyFault fault) {
        TokenService withoutKms = new TokenService(TestStack.store(), TestStack.macs(fault, Timeouts.MANAGEMENT), Clock.systemUTC());
        ApiCall.from("create-token.json").as(owner)
                .body("{\"name\":\"nokms\",\"permission\":\"PULL\",\"expiresInDays\":1}")
                .to(new CreateTokenHandler(withoutKms))
                .assertUnavailable();
        assertEquals(0, TestStack.itemsFor(owner, owner.namespace() + "+nokms"));
    }

    @Test
    void rejectsAccountWhoseNamespaceIsNotARepositoryPath() {
        TestAccount odd = new TestAccount("auth0|12345", "auth0|12345");
        ApiCall.from("create-token.json").as(odd).to(handler).assertError(403, "invalid_namespace", "namespace");
    }

    @Test
    void storesOnlyTheMacOfTheSecret() {
        String secret = create("{\"name\":\"mac\",\"permission\":\"PULL\",\"expiresInDays\":1}").body().get("secret").asText();
        TokenStore store = TestStack.store();
        var login = store.findLogin(owner.namespace() + "+mac").orElseThrow();
        assertTrue(SecretMacs.sameMac(TestStack.macs().macOf(secret), login.mac()));
    }

    @ParameterizedTest
    @EnumSource(DependencyFault.class)
    void failsWith503AndWritesNothingWhenDynamoDbFails(DependencyFault fault) {
        TokenService withoutTable = new TokenService(TestStack.store(fault, Timeouts.MANAGEMENT), TestStack.macs(), Clock.systemUTC());
        ApiCall.from("create-token.json").as(owner).body("{\"name\":\"noddb\",\"permission\":\"PULL\",\"expiresInDays\":1}")
                .to(new CreateTokenHandler(withoutTable)).assertUnavailable();
        assertEquals(0, TestStack.itemsFor(owner, owner.namespace() + "+noddb"));
    }
}
