package dev.registrytokens.core.adapters;

import dev.registrytokens.core.LoginStore;
import dev.registrytokens.core.TokenStore;
import dev.registrytokens.core.TokenTableContract;
import dev.registrytokens.testing.TestStack;
import org.junit.jupiter.api.Tag;

/** The DynamoDB adapters, on the emulator's token table, hold to the contract the fast tests' in-memory table holds to. */
@Tag("machine")
class DynamoDbTableTest extends TokenTableContract {
    @Override
    protected TokenStore tokens() {
        return TestStack.store();
    }

    @Override
    protected LoginStore logins() {
        return TestStack.loginStore();
    }
}
