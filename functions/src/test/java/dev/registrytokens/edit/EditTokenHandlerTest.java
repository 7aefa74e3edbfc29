package dev.registrytokens.edit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registrytokens.aws.AwsClients.Timeouts;
import dev.registrytokens.core.Permission;
import dev.registrytokens.core.TokenService;
import dev.registrytokens.core.TokenStatus;
import dev.registrytokens.core.TokenUsage;
import dev.registrytokens.core.TokenView;
import dev.registrytokens.core.UsageUpdate;
import dev.registrytokens.testing.ApiCall;
import dev.registrytokens.testing.ApiResult;
import dev.registrytokens.testing.BeforeFirstCall;
import dev.registrytokens.testing.Concurrently;
import dev.registrytokens.testing.DependencyFault;
import dev.registrytokens.testing.TestAccount;
import dev.registrytokens.testing.TestStack;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

@Tag("machine")
class EditTokenHandlerTest {
    private final EditTokenHandler handler = new EditTokenHandler(TestStack.tokenService());
    private final TestAccount owner = TestAccount.fresh();

    private ApiResult edit(String tokenId, String body) {
        return ApiCall.from("edit-token.json").as(owner).id(tokenId).withoutHeader("If-Match").body(body).to(handler);
    }

    @Test
    void changesPermissionAndBumpsVersionInBothRecords() {
        TokenView token = TestStack.createToken(owner, "builder", Permission.PULL, 30);
        var edited = edit(token.id(), "{\"permission\":\"PULL_PUSH\"}").assertStatus(200);
        assertEquals("PULL_PUSH", edited.body().get("permission").asText());
        assertEquals(2, edited.version());
        assertEquals("\"2\"", edited.headers().get("ETag"));
        assertEquals(token.expiresAt(), edited.body().get("expiresAt").asText(), "a field left out stays");
        var login = TestStack.store().findLogin(token.username()).orElseThrow();
        assertEquals(Permission.PULL_PUSH, login.permission());
        assertEquals(2, login.version());
    }

    @Test
    void newExpiryCountsFromTheEditAndNullMeansNever() {
        TokenView token = TestStack.createToken(owner, "expiring", Permission.PULL, 30);
        Instant editedAt = Instant.now().plus(Duration.ofDays(10)).truncatedTo(ChronoUnit.SECONDS);
        var later = new EditTokenHandler(TestStack.tokenService(Clock.fixed(editedAt, ZoneOffset.UTC)));
        var extended = ApiCall.from("edit-token.json").as(owner).id(token.id()).header("If-Match", "1")
                .body("{\"expiresInDays\":5}").to(later).assertStatus(200);
        assertEquals(editedAt.plus(Duration.ofDays(5)).toString(), extended.body().get("expiresAt").asText());
        assertEquals(false, extended.body().get("expired").asBoolean());

        var never = edit(token.id(), "{\"expiresInDays\":null,\"description\":\"kept forever\"}").assertStatus(200);
        assertTrue(never.body().get("expiresAt").isNull());
        assertEquals("kept forever", never.body().get("description").asText());
        assertEquals(null, TestStack.store().findLogin(token.username()).orElseThrow().expiresAt(), "TTL attribute removed");
    }

    @Test
    void staleIfMatchIs412AndChangesNothing() {
        TokenView token = TestStack.createToken(owner, "pinned", Permission.PULL, 30);
        edit(token.id(), "{\"description\":\"first\"}").assertStatus(200);
        ApiCall.from("edit-token.json").as(owner).id(token.id()).header("If-Match", "W/\"1\"")
                .body("{\"permission\":\"PULL_PUSH\"}").to(handler).assertError(412, "precondition_failed", "If-Match");
        var current = TestStack.store().findToken(owner.namespace(), token.id()).orElseThrow();
        assertEquals(Permission.PULL, current.permission());
        assertEquals(2, current.version());
    }

    @Test
    void parallelEditsWithTheSameIfMatchLetExactlyOneThrough() throws Exception {
        TokenView token = TestStack.createToken(owner, "contended", Permission.PULL, 30);
        AtomicInteger writer = new AtomicInteger();
        List<Integer> statuses = Concurrently.run(10, () -> ApiCall.from("edit-token.json").as(owner).id(token.id())
                .header("If-Match", "\"1\"").body("{\"description\":\"writer-" + writer.incrementAndGet() + "\"}")
                .to(handler).status());
        assertEquals(1, statuses.stream().filter(s -> s == 200).count(), () -> "statuses " + statuses);
        assertEquals(9, statuses.stream().filter(s -> s == 412).count(), () -> "statuses " + statuses);
        assertEquals(2, TestStack.store().findToken(owner.namespace(), token.id()).orElseThrow().version());
    }

    @ParameterizedTest(name = "[{index}] {1} {2}")
    @CsvSource(delimiter = '|', value = {
            "{}|empty_edit|",
            "{\"name\":\"renamed\"}|unknown_field|name",
            "{\"status\":\"DISABLED\"}|unknown_field|status",
            "{\"permission\":\"WRITE\"}|invalid_value|permission",
            "{\"permission\":null}|invalid_type|permission",
            "{\"expiresInDays\":2.5}|invalid_value|expiresInDays",
            "{\"expiresInDays\":true}|invalid_type|expiresInDays",
            "{\"description\":{}}|invalid_type|description",
            "not json|invalid_json|"})
    void rejectsBadEditsAndLeavesTheTokenAsItWas(String body, String code, String field) {
        TokenView token = TestStack.createToken(owner, "steady", Permission.PULL, 30);
        edit(token.id(), body).assertError(400, code, field);
        var current = TestStack.store().findToken(owner.namespace(), token.id()).orElseThrow();
        assertEquals(1, current.version());
        assertEquals(TokenStatus.ENABLED, current.status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"3", "3\"", "garbage", "-1", "04", "\"1\", \"2\""})
    void rejectsAnIfMatchThatIsNoEntityTagWith400(String ifMatch) {
        TokenView token = TestStack.createToken(owner, "etag", Permission.PULL, 30);
        ApiCall.from("edit-token.json").as(owner).id(token.id()).header("If-Match", ifMatch)
                .body("{\"description\":\"x\"}").to(handler).assertError(400, "invalid_header", "If-Match");
        assertEquals(1, TestStack.store().findToken(owner.namespace(), token.id()).orElseThrow().version());
    }

    /** RFC 9110 strong comparison: a weak tag, or a tag this API never writes ("04" is not "4"), matches no version. */
    @ParameterizedTest
    @ValueSource(strings = {"W/\"1\"", "\"01\"", "\"abc\"", "0"})
    void anIfMatchThatCannotMatchStronglyIs412(String ifMatch) {
        TokenView token = TestStack.createToken(owner, "strong", Permission.PULL, 30);
        ApiCall.from("edit-token.json").as(owner).id(token.id()).header("If-Match", ifMatch)
                .body("{\"description\":\"x\"}").to(handler).assertError(412, "precondition_failed", "If-Match");
        assertEquals(1, TestStack.store().findToken(owner.namespace(), token.id()).orElseThrow().version());
    }

    @Test
    void anIfMatchOfStarOrTheCurrentVersionQuotedOrBareIsAccepted() {
        TokenView token = TestStack.createToken(owner, "current", Permission.PULL, 30);
        assertEquals(2, ApiCall.from("edit-token.json").as(owner).id(token.id()).header("If-Match", "*")
                .body("{\"description\":\"a\"}").to(handler).assertStatus(200).version());
        assertEquals(3, ApiCall.from("edit-token.json").as(owner).id(token.id()).header("If-Match", "\"2\"")
                .body("{\"description\":\"b\"}").to(handler).assertStatus(200).version());
        assertEquals(4, ApiCall.from("edit-token.json").as(owner).id(token.id()).header("If-Match", "3")
                .body("{\"description\":\"c\"}").to(handler).assertStatus(200).version());
    }

    @Test
    void aTokenThatNeverExpiresCanBeChanged() {
        TokenView token = TestStack.createToken(owner, "lasting", Permission.PULL, null);
        assertEquals(2, edit(token.id(), "{\"permission\":\"PULL_PUSH\"}").assertStatus(200).version());
        assertEquals(Permission.PULL_PUSH, TestStack.store().findLogin(token.username()).orElseThrow().permission());
    }

    @Test
    void anExpiredTokenIsA409TokenExpiredAndStaysUnchanged() {
        TokenView token = TestStack.createToken(owner, "lapsed", Permission.PULL, 30);
        TestStack.expireTokenInTable(token.username());
        edit(token.id(), "{\"expiresInDays\":30}").assertError(409, "token_expired", null);
        assertEquals(1, TestStack.store().findToken(owner.namespace(), token.id()).orElseThrow().version());
        assertEquals(1, TestStack.store().findLogin(token.username()).orElseThrow().version());
    }

    @Test
    void anotherAccountsTokenIsA404AndStaysUnchanged() {
        TokenView token = TestStack.createToken(owner, "guarded", Permission.PULL, 30);
        ApiCall.from("edit-token.json").as(TestAccount.fresh()).id(token.id()).withoutHeader("If-Match")
                .body("{\"permission\":\"PULL_PUSH\"}").to(handler).assertError(404, "not_found", null);
        assertEquals(Permission.PULL, TestStack.store().findToken(owner.namespace(), token.id()).orElseThrow().permission());
    }

    @ParameterizedTest
    @EnumSource(DependencyFault.class)
    void failsWith503AndChangesNothingWhenDynamoDbFails(DependencyFault fault) {
        TokenView token = TestStack.createToken(owner, "outage", Permission.PULL, 30);
        ApiCall.from("edit-token.json").as(owner).id(token.id()).body("{\"description\":\"x\"}")
                .to(new EditTokenHandler(new TokenService(TestStack.store(fault, Timeouts.MANAGEMENT), null, Clock.systemUTC()))).assertUnavailable();
        assertEquals(1, TestStack.store().findToken(owner.namespace(), token.id()).orElseThrow().version());
        assertEquals(1, TestStack.store().findLogin(token.username()).orElseThrow().version());
    }

    @Test
    void twentyParallelEditsWithoutIfMatchAllLandOneAfterAnother() throws Exception {
        TokenView token = TestStack.createToken(owner, "busy", Permission.PULL, 30);
        AtomicInteger writer = new AtomicInteger();
        List<Integer> statuses = Concurrently.run(20, () -> edit(token.id(),
                "{\"description\":\"writer-" + writer.incrementAndGet() + "\"}").status());
        assertEquals(List.of(), statuses.stream().filter(s -> s != 200).toList(), () -> "statuses " + statuses);
        var stored = TestStack.store().findToken(owner.namespace(), token.id()).orElseThrow();
        assertEquals(21, stored.version());
        assertTrue(stored.description().matches("writer-([1-9]|1[0-9]|20)"), stored::description);
        assertEquals(21, TestStack.store().findLogin(token.username()).orElseThrow().version());
    }

    @Test
    void anEditOfAnotherFieldThatLandsFirstIsKeptAndTheEditRetries() {
        TokenView token = TestStack.createToken(owner, "shared", Permission.PULL, 30);
        var slipsInFirst = new BeforeFirstCall("TransactWriteItems",
                () -> edit(token.id(), "{\"permission\":\"PULL_PUSH\"}").assertStatus(200));
        var racing = new EditTokenHandler(new TokenService(TestStack.store(slipsInFirst), null, Clock.systemUTC()));
        var edited = ApiCall.from("edit-token.json").as(owner).id(token.id()).withoutHeader("If-Match")
                .body("{\"description\":\"mine\"}").to(racing).assertStatus(200);
        assertEquals(3, edited.version());
        var stored = TestStack.store().findToken(owner.namespace(), token.id()).orElseThrow();
        assertEquals(Permission.PULL_PUSH, stored.permission());
        assertEquals("mine", stored.description());
        assertEquals(Permission.PULL_PUSH, TestStack.store().findLogin(token.username()).orElseThrow().permission());
    }

    @Test
    void aLoginRecordedBetweenTheReadAndTheWriteKeepsItsLastUsedAt() {
        TokenView token = TestStack.createToken(owner, "used", Permission.PULL, 30);
        Instant usedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        var loginInBetween = new BeforeFirstCall("TransactWriteItems",
                () -> TestStack.loginStore().recordUsage(TestStack.store().findLogin(token.username()).orElseThrow(),
                        new UsageUpdate(usedAt, Map.of("192.0.2.1", new TokenUsage.Source("192.0.2.1", "docker/28.2.2", usedAt)),
                                Map.of(), null, Set.of(), Set.of())));
        var racing = new EditTokenHandler(new TokenService(TestStack.store(loginInBetween), null, Clock.systemUTC()));
        ApiCall.from("edit-token.json").as(owner).id(token.id()).header("If-Match", "1")
                .body("{\"description\":\"edited\"}").to(racing).assertStatus(200);
        var stored = TestStack.store().findToken(owner.namespace(), token.id()).orElseThrow();
        assertEquals("edited", stored.description());
        assertEquals(usedAt, stored.lastUsedAt());
        assertEquals(List.of(new TokenUsage.Source("192.0.2.1", "docker/28.2.2", usedAt)), stored.usage().recentSources());
    }

    @Test
    void setsAndClearsRepositoryRulesInBothRecordsAndNamesABadRulesField() {
        TokenView token = TestStack.createToken(owner, "scoped", Permission.PULL_PUSH, 30);
        var scoped = ApiCall.from("edit-token.json").as(owner).id(token.id()).withoutHeader("If-Match")
                .body("{\"repositories\":[{\"pattern\":\"app-*\",\"permission\":\"PULL\"}]}").to(handler).assertStatus(200);
        assertEquals("app-*", scoped.body().at("/repositories/0/pattern").asText());
        var rules = java.util.List.of(new dev.registrytokens.core.RepositoryRule("app-*", Permission.PULL));
        assertEquals(rules, TestStack.store().findLogin(token.username()).orElseThrow().repositories());
        ApiCall.from("edit-token.json").as(owner).id(token.id()).withoutHeader("If-Match")
                .body("{\"repositories\":[{\"pattern\":\"ok\",\"permission\":\"PULL\"},{\"pattern\":\"a//b\",\"permission\":\"PULL\"}]}")
                .to(handler).assertError(400, "invalid_value", "repositories[1].pattern");
        var cleared = ApiCall.from("edit-token.json").as(owner).id(token.id()).withoutHeader("If-Match")
                .body("{\"repositories\":null}").to(handler).assertStatus(200);
        assertTrue(cleared.body().path("repositories").isNull());
        assertEquals(3, cleared.version(), "the refused edit changed nothing");
        assertEquals(null, TestStack.store().findLogin(token.username()).orElseThrow().repositories(), "every repository again");
    }

    @Test
    void setsAndClearsAllowedSourcesInBothRecordsAndNamesTheFieldOfABadBlock() {
        TokenView token = TestStack.createToken(owner, "fenced", Permission.PULL, 30);
        var fenced = ApiCall.from("edit-token.json").as(owner).id(token.id()).withoutHeader("If-Match")
                .body("{\"allowedSources\":[\"192.0.2.7/24\",\"2001:db8::1\"]}").to(handler).assertStatus(200);
        var normal = java.util.List.of("192.0.2.0/24", "2001:db8::1/128");
        assertEquals("192.0.2.0/24", fenced.body().at("/allowedSources/0").asText());
        assertEquals(normal, TestStack.store().findLogin(token.username()).orElseThrow().allowedSources());
        ApiCall.from("edit-token.json").as(owner).id(token.id()).withoutHeader("If-Match")
                .body("{\"allowedSources\":[\"192.0.2.0/24\",\"300.1.1.1\"]}").to(handler).assertError(400, "invalid_value", "allowedSources");
        var anywhere = ApiCall.from("edit-token.json").as(owner).id(token.id()).withoutHeader("If-Match")
                .body("{\"allowedSources\":null}").to(handler).assertStatus(200);
        assertTrue(anywhere.body().path("allowedSources").isNull());
        assertEquals(3, anywhere.version(), "the refused edit changed nothing");
        assertEquals(null, TestStack.store().findLogin(token.username()).orElseThrow().allowedSources(), "anywhere again");
    }
}
