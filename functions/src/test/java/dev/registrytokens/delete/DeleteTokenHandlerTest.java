package dev.registrytokens.delete;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registrytokens.core.Permission;
import dev.registrytokens.core.TokenView;
import dev.registrytokens.testing.ApiCall;
import dev.registrytokens.testing.AwsEmulator;
import dev.registrytokens.testing.TestAccount;
import dev.registrytokens.testing.TestStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(AwsEmulator.class)
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
}
