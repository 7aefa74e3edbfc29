package dev.registrytokens.reset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

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
