package dev.registrytokens.enable;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.registrytokens.core.Permission;
import dev.registrytokens.core.TokenStatus;
import dev.registrytokens.core.TokenView;
import dev.registrytokens.testing.ApiCall;
import dev.registrytokens.testing.AwsEmulator;
import dev.registrytokens.testing.TestAccount;
import dev.registrytokens.testing.TestStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(AwsEmulator.class)
class EnableTokenHandlerTest {
    private final EnableTokenHandler handler = new EnableTokenHandler(TestStack.tokenService());
    private final TestAccount owner = TestAccount.fresh();

    @Test
    void enablesADisabledTokenAndIsIdempotent() {
        TokenView token = TestStack.createToken(owner, "resumable", Permission.PULL, 30);
        TestStack.tokenService().setStatus(owner.account(), token.id(), null, TokenStatus.DISABLED);
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
}
