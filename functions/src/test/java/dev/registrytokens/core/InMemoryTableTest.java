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

    @Override
    protected LoginRecord replica(String username, int replica) {
        return table.replica(username, replica);
    }

    @Override
    protected void removeReplicas(String username) {
        table.removeReplicas(username);
    }
}
