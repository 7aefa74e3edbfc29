package dev.registrytokens.get;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registrytokens.aws.AwsClients.Timeouts;
import dev.registrytokens.core.Permission;
import dev.registrytokens.core.TokenService;
import dev.registrytokens.core.TokenView;
import dev.registrytokens.testing.ApiCall;
import dev.registrytokens.testing.DependencyFault;
import dev.registrytokens.testing.TestAccount;
import dev.registrytokens.testing.TestStack;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Tag("machine")
class GetTokenHandlerTest {
    private final GetTokenHandler handler = new GetTokenHandler(TestStack.tokenService());
    private final TestAccount owner = TestAccount.fresh();

    @Test
    void returnsTheTokenWithoutItsSecret() {
        TokenView token = TestStack.createToken(owner, "reader", Permission.PULL, 7);
        var result = ApiCall.from("get-token.json").as(owner).id(token.id()).to(handler).assertStatus(200);
        assertEquals(token.id(), result.body().get("id").asText());
        assertEquals(token.username(), result.body().get("username").asText());
        assertEquals("\"1\"", result.headers().get("ETag"));
        assertFalse(result.body().has("secret"));
        assertTrue(result.body().get("lastUsedAt").isNull(), "a token never used for a login has no lastUsedAt");
    }

    @Test
    void anotherAccountsTokenIsA404IdenticalToAnUnknownId() {
        TokenView token = TestStack.createToken(owner, "private", Permission.PULL_PUSH, null);
        TestAccount stranger = TestAccount.fresh();
        var foreign = ApiCall.from("get-token.json").as(stranger).id(token.id()).to(handler).assertError(404, "not_found", null);
        var unknown = ApiCall.from("get-token.json").as(stranger).id("01kb5x3h8q2m6n4p7r9s0t1v2w").to(handler);
        assertEquals(unknown.status(), foreign.status());
        assertEquals(unknown.body(), foreign.body());
    }

    @Test
    void malformedIdIsA404() {
        ApiCall.from("get-token.json").as(owner).id("not-an-id").to(handler).assertError(404, "not_found", null);
    }

    @Test
    void reportsExpiryAtReadTimeEvenBeforeTtlDeletesTheItem() {
        TokenView token = TestStack.createToken(owner, "short", Permission.PULL, 1);
        Clock twoDaysLater = Clock.fixed(Instant.now().plus(Duration.ofDays(2)), ZoneOffset.UTC);
        var later = ApiCall.from("get-token.json").as(owner).id(token.id())
                .to(new GetTokenHandler(TestStack.tokenService(twoDaysLater))).assertStatus(200);
        assertTrue(later.body().get("expired").asBoolean());
    }

    @ParameterizedTest
    @EnumSource(DependencyFault.class)
    void failsWith503AndChangesNothingWhenDynamoDbFails(DependencyFault fault) {
        TokenView token = TestStack.createToken(owner, "outage", Permission.PULL, 30);
        ApiCall.from("get-token.json").as(owner).id(token.id())
                .to(new GetTokenHandler(new TokenService(TestStack.store(fault, Timeouts.MANAGEMENT), null, Clock.systemUTC()))).assertUnavailable();
        assertEquals(1, TestStack.store().findToken(owner.namespace(), token.id()).orElseThrow().version());
        assertEquals(1, TestStack.store().findLogin(token.username()).orElseThrow().version());
    }
}
