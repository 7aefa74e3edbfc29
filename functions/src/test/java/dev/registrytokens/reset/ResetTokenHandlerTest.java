package dev.registrytokens.reset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registrytokens.aws.AwsClients.Timeouts;
import dev.registrytokens.core.Permission;
import dev.registrytokens.core.SecretMacs;
import dev.registrytokens.core.Secrets;
import dev.registrytokens.core.TokenService;
import dev.registrytokens.core.TokenView;
import dev.registrytokens.testing.ApiCall;
import dev.registrytokens.testing.DependencyFault;
import dev.registrytokens.testing.TestAccount;
import dev.registrytokens.testing.TestStack;
import java.time.Clock;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

@Tag("machine")
class ResetTokenHandlerTest {
    private final ResetTokenHandler handler = new ResetTokenHandler(TestStack.tokenService());
    private final TestAccount owner = TestAccount.fresh();

    @Test
    void issuesANewSecretAndTheOldOneNoLongerMatches() {
        TokenView token = TestStack.createToken(owner, "rotating", Permission.PULL, 30);
        var reset = ApiCall.from("reset-token.json").as(owner).id(token.id()).to(handler).assertStatus(200);
        String newSecret = reset.body().get("secret").asText();
        assertTrue(Secrets.isWellFormed(newSecret));
        assertNotEquals(token.secret(), newSecret);
        assertEquals(2, reset.version());

        var login = TestStack.store().findLogin(token.username()).orElseThrow();
        assertTrue(SecretMacs.sameMac(TestStack.macs().macOf(newSecret), login.mac()));
        assertFalse(SecretMacs.sameMac(TestStack.macs().macOf(token.secret()), login.mac()));
    }

    @Test
    void aGraceKeepsTheOldMacOnTheLoginItemUntilPreviousSecretExpiresAt() {
        TokenView token = TestStack.createToken(owner, "overlap", Permission.PULL, 30);
        var reset = ApiCall.from("reset-token.json").as(owner).id(token.id()).header("Content-Type", "application/json")
                .body("{\"graceSeconds\": 3600}").to(handler).assertStatus(200);
        Instant graceEnds = Instant.parse(reset.body().get("previousSecretExpiresAt").asText());
        assertEquals(Instant.now().plusSeconds(3600).getEpochSecond(), graceEnds.getEpochSecond(), 30);
        var login = TestStack.store().findLogin(token.username()).orElseThrow();
        assertTrue(SecretMacs.sameMac(TestStack.macs().macOf(reset.body().get("secret").asText()), login.mac()));
        assertTrue(SecretMacs.sameMac(TestStack.macs().macOf(token.secret()), login.previousMac()));
        assertEquals(graceEnds, login.previousMacExpiresAt());

        var again = ApiCall.from("reset-token.json").as(owner).id(token.id()).to(handler).assertStatus(200);
        assertTrue(again.body().get("previousSecretExpiresAt").isNull(), "no body: no grace, and the running one ends");
        assertNull(TestStack.store().findLogin(token.username()).orElseThrow().previousMac());
    }

    static Stream<Arguments> badGraces() {
        return Stream.of(
                Arguments.of("{\"graceSeconds\": -1}", "invalid_value", "graceSeconds"),
                Arguments.of("{\"graceSeconds\": 86401}", "invalid_value", "graceSeconds"),
                Arguments.of("{\"graceSeconds\": 1.5}", "invalid_value", "graceSeconds"),
                Arguments.of("{\"graceSeconds\": \"60\"}", "invalid_type", "graceSeconds"),
                Arguments.of("{\"graceSeconds\": null}", "invalid_type", "graceSeconds"),
                Arguments.of("{\"graceSeconds\": 1e20}", "invalid_value", "graceSeconds"),
                Arguments.of("{\"grace\": 60}", "unknown_field", "grace"),
                Arguments.of("[60]", "invalid_json", null));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("badGraces")
    void aBadGraceIs400AndChangesNothing(String body, String code, String field) {
        TokenView token = TestStack.createToken(owner, "bad-grace", Permission.PULL, 30);
        ApiCall.from("reset-token.json").as(owner).id(token.id()).header("Content-Type", "application/json").body(body).to(handler)
                .assertError(400, code, field);
        assertEquals(1, TestStack.store().findLogin(token.username()).orElseThrow().version());
    }

    @ParameterizedTest
    @EnumSource(DependencyFault.class)
    void failsWith503AndKeepsTheOldSecretWhenKmsFails(DependencyFault fault) {
        TokenView token = TestStack.createToken(owner, "steady", Permission.PULL, 30);
        TokenService withoutKms = new TokenService(TestStack.store(), TestStack.macs(fault, Timeouts.MANAGEMENT), Clock.systemUTC());
        ApiCall.from("reset-token.json").as(owner).id(token.id()).to(new ResetTokenHandler(withoutKms))
                .assertUnavailable();
        var login = TestStack.store().findLogin(token.username()).orElseThrow();
        assertEquals(1, login.version());
        assertTrue(SecretMacs.sameMac(TestStack.macs().macOf(token.secret()), login.mac()));
    }

    @Test
    void staleIfMatchIs412() {
        TokenView token = TestStack.createToken(owner, "pinned", Permission.PULL, 30);
        ApiCall.from("reset-token.json").as(owner).id(token.id()).header("If-Match", "\"7\"").to(handler)
                .assertError(412, "precondition_failed", "If-Match");
        assertEquals(1, TestStack.store().findLogin(token.username()).orElseThrow().version());
    }

    @Test
    void anotherAccountsTokenIsA404() {
        TokenView token = TestStack.createToken(owner, "theirs", Permission.PULL, 30);
        ApiCall.from("reset-token.json").as(TestAccount.fresh()).id(token.id()).to(handler).assertError(404, "not_found", null);
    }

    @ParameterizedTest
    @EnumSource(DependencyFault.class)
    void failsWith503AndKeepsTheOldSecretWhenDynamoDbFails(DependencyFault fault) {
        TokenView token = TestStack.createToken(owner, "unshaken", Permission.PULL, 30);
        TokenService withoutTable = new TokenService(TestStack.store(fault, Timeouts.MANAGEMENT), TestStack.macs(), Clock.systemUTC());
        ApiCall.from("reset-token.json").as(owner).id(token.id()).to(new ResetTokenHandler(withoutTable)).assertUnavailable();
        var login = TestStack.store().findLogin(token.username()).orElseThrow();
        assertEquals(1, login.version());
        assertTrue(SecretMacs.sameMac(TestStack.macs().macOf(token.secret()), login.mac()));
    }
}
