package dev.registrytokens.enable;

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
class EnableTokenHandlerTest {
    private final EnableTokenHandler handler = new EnableTokenHandler(TestStack.tokenService());
    private final TestAccount owner = TestAccount.fresh();

    @Test
    void enablesADisabledTokenAndIsIdempotent() {
        TokenView token = TestStack.createToken(owner, "resumable", Permission.PULL, 30);
        TestStack.tokenService().setStatus(owner.membership(), token.id(), null, TokenStatus.DISABLED);
        var enabled = ApiCall.from("enable-token.json").as(owner).id(token.id()).to(handler).assertStatus(200);
        assertEquals("ENABLED", enabled.body().get("status").asText());
        assertEquals(3, enabled.version());
        var again = ApiCall.from("enable-token.json").as(owner).id(token.id()).header("If-Match", "\"3\"").to(handler)
                .assertStatus(200);
        assertEquals(3, again.version());
        assertEquals(TokenStatus.ENABLED, TestStack.store().findLogin(token.username()).orElseThrow().status());
    }

    @Test
    void unknownTokenIsA404() {
        ApiCall.from("enable-token.json").as(owner).id("01kb5x3h8q2m6n4p7r9s0t1v2w").to(handler).assertError(404, "not_found", null);
    }

    @ParameterizedTest
    @EnumSource(DependencyFault.class)
    void failsWith503AndChangesNothingWhenDynamoDbFails(DependencyFault fault) {
        TokenView token = TestStack.createToken(owner, "outage", Permission.PULL, 30);
        ApiCall.from("enable-token.json").as(owner).id(token.id())
                .to(new EnableTokenHandler(new TokenService(TestStack.store(fault, Timeouts.MANAGEMENT), null, Clock.systemUTC()))).assertUnavailable();
        assertEquals(1, TestStack.store().findToken(owner.namespace(), token.id()).orElseThrow().version());
        assertEquals(1, TestStack.store().findLogin(token.username()).orElseThrow().version());
    }
}
