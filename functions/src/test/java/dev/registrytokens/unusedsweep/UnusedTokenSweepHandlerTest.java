package dev.registrytokens.unusedsweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import dev.registrytokens.core.LoginRecord;
import dev.registrytokens.core.MovableClock;
import dev.registrytokens.core.NamespacePolicy;
import dev.registrytokens.core.Permission;
import dev.registrytokens.core.TokenRecord;
import dev.registrytokens.core.TokenService;
import dev.registrytokens.core.TokenStatus;
import dev.registrytokens.core.TokenView;
import dev.registrytokens.core.UnusedTokenSweep;
import dev.registrytokens.core.UsageUpdate;
import dev.registrytokens.core.adapters.DynamoDbTokenStore;
import dev.registrytokens.testing.ApiCall;
import dev.registrytokens.testing.TestAccount;
import dev.registrytokens.testing.TestStack;
import dev.registrytokens.testkit.AwsEmulator;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The daily sweep as its function's role, on the schedule's event, with a clock moved past N days. */
@Tag("machine")
class UnusedTokenSweepHandlerTest {
    private final TestAccount owner = TestAccount.fresh();

    @Test
    void disablesExactlyTheTokensOfThisNamespaceUnusedForItsDays() {
        TokenView neverUsed = TestStack.createToken(owner, "never-used", Permission.PULL, null);
        TokenView recentlyUsed = TestStack.createToken(owner, "recently-used", Permission.PULL, null);
        TokenView disabledByHand = TestStack.createToken(owner, "paused", Permission.PULL, null);
        TestStack.tokenService().setStatus(owner.membership(), disabledByHand.id(), null, TokenStatus.DISABLED);
        TestAccount noRule = TestAccount.fresh();
        TokenView elsewhere = TestStack.createToken(noRule, "old", Permission.PULL, null);
        TestStack.tokenService().setPolicy(owner.membership(), null, NamespacePolicy.of(owner.namespace(), null, null, null, 7, null));
        TestStack.tokenService().setPolicy(noRule.membership(), null, NamespacePolicy.of(noRule.namespace(), 30, null, null, null, null));

        // Seven days on, less a minute: nothing is due yet. Then recently-used logs in, and the clock passes 7 days.
        Instant created = Instant.parse(TestStack.store().findToken(owner.namespace(), neverUsed.id()).orElseThrow().createdAt().toString());
        MovableClock clock = new MovableClock(created.plus(Duration.ofDays(7)).minus(Duration.ofMinutes(1)));
        var stack = AwsEmulator.stack();
        DynamoDbTokenStore store = new DynamoDbTokenStore(stack.dynamoDbAs("UnusedTokenSweepFunction"), stack.tableName());
        UnusedTokenSweepHandler handler = new UnusedTokenSweepHandler(new UnusedTokenSweep(store, new TokenService(store, null, clock), clock));
        ScheduledEvent daily = ApiCall.load("unused-token-sweep.json", ScheduledEvent.class);
        assertEquals("Scheduled Event", daily.getDetailType());

        handler.handleRequest(daily, null);
        assertEquals(TokenStatus.ENABLED, status(owner, neverUsed));

        LoginRecord login = TestStack.store().findLogin(recentlyUsed.username()).orElseThrow();
        TestStack.loginStore().recordUsage(login, UsageUpdate.lastUsed(clock.instant().truncatedTo(ChronoUnit.SECONDS)));
        clock.advance(Duration.ofMinutes(2));
        handler.handleRequest(daily, null);

        TokenRecord swept = TestStack.store().findToken(owner.namespace(), neverUsed.id()).orElseThrow();
        assertEquals(TokenStatus.DISABLED, swept.status());
        assertEquals(TokenRecord.UNUSED, swept.disabledReason());
        assertEquals(TokenStatus.DISABLED, TestStack.store().findLogin(neverUsed.username()).orElseThrow().status(), "its logins fail");
        assertEquals(TokenStatus.ENABLED, status(owner, recentlyUsed));
        assertEquals(null, TestStack.store().findToken(owner.namespace(), disabledByHand.id()).orElseThrow().disabledReason(),
                "a token disabled by hand keeps its own reason (none)");
        assertEquals(TokenStatus.ENABLED, status(noRule, elsewhere), "a namespace without the rule is left alone");
        for (TokenView token : List.of(neverUsed, recentlyUsed, disabledByHand)) {
            assertTrue(TestStack.store().findToken(owner.namespace(), token.id()).isPresent(), "disabled, never deleted");
        }
    }

    private static TokenStatus status(TestAccount account, TokenView token) {
        return TestStack.store().findToken(account.namespace(), token.id()).orElseThrow().status();
    }
}
