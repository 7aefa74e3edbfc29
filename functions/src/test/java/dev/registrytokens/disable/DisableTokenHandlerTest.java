package dev.registrytokens.disable;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.registrytokens.aws.AwsClients.Timeouts;
import dev.registrytokens.core.Permission;
import dev.registrytokens.core.TokenService;
import dev.registrytokens.core.TokenStatus;
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
class DisableTokenHandlerTest {
    private final DisableTokenHandler handler = new DisableTokenHandler(TestStack.tokenService());
    private final TestAccount owner = TestAccount.fresh();

    @Test
    void disablesIdempotentlyAndTheLoginRecordFollows() {
        TokenView token = TestStack.createToken(owner, "pausable", Permission.PULL, 30);
        var first = ApiCall.from("disable-token.json").as(owner).id(token.id()).to(handler).assertStatus(200);
        assertEquals("DISABLED", first.body().get("status").asText());
        assertEquals(2, first.version());
        var second = ApiCall.from("disable-token.json").as(owner).id(token.id()).to(handler).assertStatus(200);
        assertEquals("DISABLED", second.body().get("status").asText());
        assertEquals(2, second.version(), "disabling a disabled token changes nothing");
        assertEquals(TokenStatus.DISABLED, TestStack.store().findLogin(token.username()).orElseThrow().status());
    }

    @Test
    void staleIfMatchIs412() {
        TokenView token = TestStack.createToken(owner, "pinned", Permission.PULL, 30);
        ApiCall.from("disable-token.json").as(owner).id(token.id()).header("If-Match", "0").to(handler)
                .assertError(412, "precondition_failed", "If-Match");
        assertEquals(TokenStatus.ENABLED, TestStack.store().findLogin(token.username()).orElseThrow().status());
    }

    @Test
    void anotherAccountsTokenIsA404() {
        TokenView token = TestStack.createToken(owner, "theirs", Permission.PULL, 30);
        ApiCall.from("disable-token.json").as(TestAccount.fresh()).id(token.id()).to(handler).assertError(404, "not_found", null);
        assertEquals(TokenStatus.ENABLED, TestStack.store().findLogin(token.username()).orElseThrow().status());
    }

    @ParameterizedTest
    @EnumSource(DependencyFault.class)
    void failsWith503AndChangesNothingWhenDynamoDbFails(DependencyFault fault) {
        TokenView token = TestStack.createToken(owner, "outage", Permission.PULL, 30);
        ApiCall.from("disable-token.json").as(owner).id(token.id())
                .to(new DisableTokenHandler(new TokenService(TestStack.store(fault, Timeouts.MANAGEMENT), null, Clock.systemUTC()))).assertUnavailable();
        assertEquals(1, TestStack.store().findToken(owner.namespace(), token.id()).orElseThrow().version());
        assertEquals(1, TestStack.store().findLogin(token.username()).orElseThrow().version());
    }
}
