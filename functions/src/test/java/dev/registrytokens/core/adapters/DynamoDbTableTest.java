package dev.registrytokens.core.adapters;

import dev.registrytokens.core.AuditStore;
import dev.registrytokens.core.LoginRecord;
import dev.registrytokens.core.LoginStore;
import dev.registrytokens.core.TokenStore;
import dev.registrytokens.core.TokenTableContract;
import dev.registrytokens.testing.TestStack;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The DynamoDB adapters, on a table of their own shaped as the template's (the outbox is one partition of the whole
 * table, which other tests fill), hold to the contract the fast tests' in-memory table holds to.
 */
@Tag("machine")
class DynamoDbTableTest extends TokenTableContract {
    private static final String TABLE = TestStack.emptyTable();

    @Override
    protected TokenStore tokens() {
        return new DynamoDbTokenStore(TestStack.dynamoDb(), TABLE);
    }

    @Override
    protected LoginStore logins() {
        return new DynamoDbLoginStore(TestStack.dynamoDb(), TABLE);
    }

    @Override
    protected AuditStore audits() {
        return new DynamoDbAuditStore(TestStack.dynamoDb(), TABLE);
    }

    @Override
    protected LoginRecord replica(String username, int replica) {
        Map<String, AttributeValue> item = TestStack.dynamoDb().getItem(request -> request.tableName(TABLE)
                .key(TableItems.key(LoginRecord.replicaKey(username, replica))).consistentRead(true)).item();
        return item == null || item.isEmpty() ? null : TableItems.LOGIN.mapToItem(item);
    }

    @Override
    protected void removeReplicas(String username) {
        for (int replica = 1; replica < LoginRecord.REPLICAS; replica++) {
            String key = LoginRecord.replicaKey(username, replica);
            TestStack.dynamoDb().deleteItem(request -> request.tableName(TABLE).key(TableItems.key(key)));
        }
    }
}
