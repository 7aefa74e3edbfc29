package dev.registrytokens.delete;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registrytokens.aws.AwsClients.Timeouts;
import dev.registrytokens.core.Permission;
import dev.registrytokens.core.TokenService;
import dev.registrytokens.core.TokenStatus;
import dev.registrytokens.core.TokenView;
import dev.registrytokens.testing.ApiCall;
import dev.registrytokens.testing.BeforeFirstCall;
import dev.registrytokens.testing.DependencyFault;
import dev.registrytokens.testing.TestAccount;
import dev.registrytokens.testing.TestStack;
import java.time.Clock;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Tag("machine")
class DeleteTokenHandlerTest {
    private final DeleteTokenHandler handler = new DeleteTokenHandler(TestStack.tokenService());
    private final TestAccount owner = TestAccount.fresh();

    @Test
    void deletesBothRecordsAndFreesTheUsername() {
        TokenView token = TestStack.createToken(owner, "temporary", Permission.PULL, 30);
        var deleted = ApiCall.from("delete-token.json").as(owner).id(token.id()).to(handler).assertStatus(204);
        assertTrue(deleted.body().isMissingNode(), "204 has no body");
        assertEquals(0, TestStack.itemsFor(owner, token.username()));
        ApiCall.from("delete-token.json").as(owner).id(token.id()).to(handler).assertError(404, "not_found", null);

        TokenView again = TestStack.createToken(owner, "temporary", Permission.PULL_PUSH, 1);
        assertEquals(token.username(), again.username());
    }

    @Test
    void staleIfMatchIs412AndKeepsTheToken() {
        TokenView token = TestStack.createToken(owner, "kept", Permission.PULL, 30);
        ApiCall.from("delete-token.json").as(owner).id(token.id()).header("If-Match", "\"2\"").to(handler)
                .assertError(412, "precondition_failed", "If-Match");
        assertEquals(2, TestStack.itemsFor(owner, token.username()));
    }

    @Test
    void anotherAccountsTokenIsA404AndSurvives() {
        TokenView token = TestStack.createToken(owner, "survivor", Permission.PULL, 30);
        ApiCall.from("delete-token.json").as(TestAccount.fresh()).id(token.id()).to(handler).assertError(404, "not_found", null);
        assertEquals(2, TestStack.itemsFor(owner, token.username()));
    }

    @ParameterizedTest
    @EnumSource(DependencyFault.class)
    void failsWith503AndChangesNothingWhenDynamoDbFails(DependencyFault fault) {
        TokenView token = TestStack.createToken(owner, "outage", Permission.PULL, 30);
        ApiCall.from("delete-token.json").as(owner).id(token.id())
                .to(new DeleteTokenHandler(new TokenService(TestStack.store(fault, Timeouts.MANAGEMENT), null, Clock.systemUTC()))).assertUnavailable();
        assertEquals(1, TestStack.store().findToken(owner.namespace(), token.id()).orElseThrow().version());
        assertEquals(1, TestStack.store().findLogin(token.username()).orElseThrow().version());
    }

    @Test
    void aChangeBetweenTheReadAndTheDeleteFailsAnIfMatchDeleteAndKeepsTheToken() {
        TokenView token = TestStack.createToken(owner, "moving", Permission.PULL, 30);
        var editInBetween = new BeforeFirstCall("TransactWriteItems",
                () -> TestStack.tokenService().setStatus(owner.membership(), token.id(), null, TokenStatus.DISABLED));
        var racing = new DeleteTokenHandler(new TokenService(TestStack.store(editInBetween), null, Clock.systemUTC()));
        ApiCall.from("delete-token.json").as(owner).id(token.id()).header("If-Match", "1").to(racing)
                .assertError(412, "precondition_failed", "If-Match");
        assertEquals(2, TestStack.store().findToken(owner.namespace(), token.id()).orElseThrow().version());
        assertEquals(2, TestStack.store().findLogin(token.username()).orElseThrow().version());
    }
}
