package dev.registrytokens;

import static dev.registrytokens.testing.RegistryFixtures.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registrytokens.core.DomainException;
import dev.registrytokens.core.adapters.DynamoDbTokenStore;
import dev.registrytokens.core.adapters.KmsSecretMacs;
import dev.registrytokens.http.ApiException;
import dev.registrytokens.core.EditTokenRequest;
import dev.registrytokens.core.Permission;
import dev.registrytokens.core.TokenService;
import dev.registrytokens.core.TokenStatus;
import dev.registrytokens.core.TokenView;
import dev.registrytokens.registry.RegistryLogins;
import dev.registrytokens.testing.ApiCall;
import dev.registrytokens.testing.ApiResult;
import dev.registrytokens.testing.RegistryFixtures;
import dev.registrytokens.testing.TestAccount;
import dev.registrytokens.testing.TestHandlers;
import dev.registrytokens.testing.TestStack;
import dev.registrytokens.testkit.AwsCallCounter;
import dev.registrytokens.testkit.AwsEmulator;
import dev.registrytokens.testkit.TtlSweeper;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An expired token whichever of its two records TTL deletes first (real TTL deletes each item on its own,
 * up to days late), and before it deletes either: list, get, changes, delete, name reuse and registry logins
 * must agree in every state. The TTL sweeper deletes the records in the order each state needs. Through
 * {@link TokenService}, whose {@link DomainException}s the handlers answer as {@link ApiException#from} maps them, each
 * call with the role of the function that makes it (a delete after TTL removed the login record needs its
 * ConditionCheckItem).
 */
@Tag("machine")
class ExpiredTokenTest {
    private static TtlSweeper ttl;
    private final TestAccount owner = TestAccount.fresh();
    private final TokenService tokens = TestStack.tokenService();
    /** The service as each function runs it: with that function's role, so that IAM in the emulator judges its calls. */
    private static final Map<String, TokenService> AS_FUNCTION = new ConcurrentHashMap<>();
    private final AwsCallCounter calls = new AwsCallCounter();
    private final RegistryLogins logins = RegistryFixtures.logins(calls, Clock.systemUTC());

    /** How far TTL has got with an expired token's records. */
    enum TtlProgress {
        NOTHING_DELETED_YET(true, true),
        LOGIN_RECORD_DELETED_FIRST(true, false),
        TOKEN_RECORD_DELETED_FIRST(false, true),
        BOTH_DELETED(false, false);

        final boolean tokenRecordLeft;
        final boolean loginRecordLeft;

        TtlProgress(boolean tokenRecordLeft, boolean loginRecordLeft) {
            this.tokenRecordLeft = tokenRecordLeft;
            this.loginRecordLeft = loginRecordLeft;
        }
    }

    @BeforeAll
    static void sweeper() {
        ttl = TtlSweeper.forTable(TestStack.dynamoDb(), AwsEmulator.stack().tableName(), Duration.ZERO);
    }

    @AfterAll
    static void stopSweeper() {
        ttl.close();
    }

    /** A token that expired a minute ago, with TTL as far as {@code progress} says. */
    private TokenView expiredToken(String name, TtlProgress progress) {
        TokenView token = TestStack.createToken(owner, name, Permission.PULL, 30);
        TestStack.expireTokenInTable(token.username());
        if (!progress.tokenRecordLeft) {
            assertTrue(ttl.expireNow(TestStack.tokenItemKey(owner.namespace(), token.id())));
        }
        if (!progress.loginRecordLeft) {
            assertTrue(ttl.expireNow(TestStack.loginItemKey(token.username())));
        }
        return token;
    }

    private static TokenService as(String function) {
        return AS_FUNCTION.computeIfAbsent(function, name -> {
            AwsEmulator.Stack stack = AwsEmulator.stack();
            return new TokenService(new DynamoDbTokenStore(stack.dynamoDbAs(name), stack.tableName()),
                    new KmsSecretMacs(stack.kmsAs(name), stack.macKeyId()), Clock.systemUTC());
        });
    }

    /** "ok", or the status and code of the API error the call ended with. */
    private static String outcome(Runnable call) {
        try {
            call.run();
            return "ok";
        } catch (DomainException e) {
            ApiException answer = ApiException.from(e);
            return answer.status() + " " + answer.code();
        }
    }

    /** Each listed token's id, marked when it is expired. */
    private List<String> listed() {
        return as("ListTokensFunction").list(owner.membership(), TokenService.MAX_PAGE_SIZE, null).items().stream()
                .map(token -> token.id() + (token.expired() ? " expired" : "")).toList();
    }

    /** The outcomes of an edit, a reset, an enable and a disable of the token. */
    private List<String> changes(String tokenId) {
        var account = owner.membership();
        return List.of(
                outcome(() -> as("EditTokenFunction").edit(account, tokenId, null, new EditTokenRequest(null, false, null, true, 30, false, null))),
                outcome(() -> as("ResetTokenFunction").reset(account, tokenId, null, 0)),
                outcome(() -> as("EnableTokenFunction").setStatus(account, tokenId, null, TokenStatus.ENABLED)),
                outcome(() -> as("DisableTokenFunction").setStatus(account, tokenId, null, TokenStatus.DISABLED)));
    }

    private String delete(String tokenId) {
        return outcome(() -> as("DeleteTokenFunction").delete(owner.membership(), tokenId, null));
    }

    private String get(String tokenId) {
        return outcome(() -> as("GetTokenFunction").get(owner.membership(), tokenId));
    }

    @ParameterizedTest
    @EnumSource(TtlProgress.class)
    void getAndListShowItAsExpiredUntilItsTokenRecordIsDeleted(TtlProgress progress) {
        TokenView token = expiredToken("shown", progress);
        if (progress.tokenRecordLeft) {
            assertTrue(tokens.get(owner.membership(), token.id()).expired());
            assertEquals(List.of(token.id() + " expired"), listed());
        } else {
            assertEquals("404 not_found", get(token.id()));
            assertEquals(List.of(), listed());
        }
    }

    @ParameterizedTest
    @EnumSource(TtlProgress.class)
    void editResetEnableAndDisableAreRefusedAlikeAndChangeNothing(TtlProgress progress) {
        TokenView token = expiredToken("frozen", progress);
        String refusal = progress.tokenRecordLeft ? "409 token_expired" : "404 not_found";
        assertEquals(List.of(refusal, refusal, refusal, refusal), changes(token.id()));
        TestStack.store().findToken(owner.namespace(), token.id()).ifPresent(record -> assertEquals(1, record.version()));
        TestStack.store().findLogin(token.username()).ifPresent(record -> assertEquals(1, record.version()));
    }

    /**
     * The same through the routes' handlers, as a client sees it: while the token record is left, get says expired and
     * every change 409 token_expired (with or without If-Match); once it is gone, all of them 404.
     */
    @ParameterizedTest
    @EnumSource(TtlProgress.class)
    void everyRouteGivesOneAnswerWhicheverRecordTtlDeleted(TtlProgress progress) {
        TokenView token = expiredToken("answered", progress);
        String change = progress.tokenRecordLeft ? "409 token_expired" : "404 not_found";
        List<String> answers = new java.util.ArrayList<>();
        for (String ifMatch : new String[] {null, "\"1\""}) {
            answers.add(answer("dev.registrytokens.edit.EditTokenHandler", "edit-token.json", token.id(), ifMatch, "{\"expiresInDays\":30}"));
            answers.add(answer("dev.registrytokens.reset.ResetTokenHandler", "reset-token.json", token.id(), ifMatch, null));
            answers.add(answer("dev.registrytokens.enable.EnableTokenHandler", "enable-token.json", token.id(), ifMatch, null));
            answers.add(answer("dev.registrytokens.disable.DisableTokenHandler", "disable-token.json", token.id(), ifMatch, null));
        }
        assertEquals(java.util.Collections.nCopies(8, change), answers);
        String get = answer("dev.registrytokens.get.GetTokenHandler", "get-token.json", token.id(), null, null);
        assertEquals(progress.tokenRecordLeft ? "200 expired" : "404 not_found", get);
    }

    /** A route's answer: its status and error code, or "200 expired" for a token shown as expired. */
    private String answer(String handlerClass, String eventFile, String tokenId, String ifMatch, String body) {
        var call = ApiCall.from(eventFile).as(owner).id(tokenId).withoutHeader("If-Match");
        if (ifMatch != null) {
            call.header("If-Match", ifMatch);
        }
        if (body != null) {
            call.body(body);
        }
        ApiResult result = call.to(TestHandlers.of(handlerClass, tokens));
        if (result.status() == 200) {
            return "200" + (result.body().get("expired").asBoolean() ? " expired" : " unexpired");
        }
        return result.status() + " " + result.body().get("error").get("code").asText();
    }

    @ParameterizedTest
    @EnumSource(TtlProgress.class)
    void deleteAgreesWithGetAndLeavesNoUsableRecord(TtlProgress progress) {
        TokenView token = expiredToken("removed", progress);
        if (progress.tokenRecordLeft) {
            assertEquals("ok", delete(token.id()));
            assertEquals(0, TestStack.itemsFor(owner, token.username()));
        } else {
            // Like get, delete no longer finds it; a login record TTL left behind is expired: refused, and overwritable.
            assertEquals("404 not_found", delete(token.id()));
        }
        assertEquals("404 not_found", get(token.id()));
    }

    @ParameterizedTest
    @EnumSource(TtlProgress.class)
    void itsNameCanBeUsedAgainAtOnceAndTheOldTokenNeverTouchesTheNewOne(TtlProgress progress) {
        TokenView old = expiredToken("reused", progress);
        TokenView reused = TestStack.createToken(owner, "reused", Permission.PULL_PUSH, 30);
        assertEquals(old.username(), reused.username());

        String refusal = progress.tokenRecordLeft ? "409 token_expired" : "404 not_found";
        assertEquals(List.of(refusal, refusal, refusal, refusal), changes(old.id()));
        assertEquals(progress.tokenRecordLeft ? "ok" : "404 not_found", delete(old.id()));

        assertEquals(List.of(reused.id()), listed());
        var login = logins.authenticate(basic(reused.username(), reused.secret()), RegistryFixtures.freshSource()).orElseThrow();
        assertEquals(reused.id(), login.tokenId());
        assertEquals(Permission.PULL_PUSH, login.permission());
        assertEquals(1, TestStack.store().findLogin(reused.username()).orElseThrow().version());
    }

    @ParameterizedTest
    @EnumSource(TtlProgress.class)
    void itsSecretNoLongerLogsInAndKmsIsNotAsked(TtlProgress progress) {
        TokenView token = expiredToken("refused", progress);
        assertTrue(logins.authenticate(basic(token.username(), token.secret()), RegistryFixtures.freshSource()).isEmpty());
        assertEquals(0, calls.count("GenerateMac"), calls::toString);
    }
}
