package dev.registrytokens.core;

/** The in-memory table holds to the contract the DynamoDB adapters hold to. */
class InMemoryTableTest extends TokenTableContract {
    private final InMemoryTable table = new InMemoryTable();

    @Override
    protected TokenStore tokens() {
        return table;
    }

    @Override
    protected LoginStore logins() {
        return table;
    }

    @Override
    protected AuditStore audits() {
        return table;
    }
}
