package dev.registrytokens.core.adapters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registrytokens.core.AuditStore;
import dev.registrytokens.core.LoginRecord;
import dev.registrytokens.core.LoginStore;
import dev.registrytokens.core.Permission;
import dev.registrytokens.core.TokenStore;
import dev.registrytokens.core.TokenTableContract;
import dev.registrytokens.core.TokenUsage;
import dev.registrytokens.core.TokenView;
import dev.registrytokens.core.UsageUpdate;
import dev.registrytokens.testing.TestAccount;
import dev.registrytokens.testing.TestStack;
import dev.registrytokens.testkit.AwsEmulator;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.RetryableException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
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

    @Test
    void theSdksRetryOfAUsageWriteWhoseAnswerWasLostAddsNothing() {
        TestAccount owner = TestAccount.fresh();
        TokenView token = TestStack.createToken(owner, "retried", Permission.PULL, 1);
        LoginRecord login = TestStack.store().findLogin(token.username()).orElseThrow();
        AtomicBoolean lost = new AtomicBoolean();
        ExecutionInterceptor losesTheFirstAnswer = new ExecutionInterceptor() {
            @Override
            public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
                if (context.request() instanceof UpdateItemRequest update && update.updateExpression().contains("#writeId")
                        && lost.compareAndSet(false, true)) {
                    throw RetryableException.create("injected: the answer of a write that landed is lost");
                }
            }
        };
        LoginStore store = new DynamoDbLoginStore(AwsEmulator.stack().dynamoDb(losesTheFirstAnswer), AwsEmulator.stack().tableName());
        Instant now = Instant.now();
        TokenUsage stored = store.recordUsage(login, new UsageUpdate(null, Map.of(),
                Map.of(TokenUsage.refusalBucket(now, "disabled"), 3L), null, Set.of(), Set.of())).orElseThrow();
        assertTrue(lost.get(), "the first attempt's answer was lost, and the SDK retried");
        assertEquals(Map.of("disabled", 3L), stored.refusedWithin24h(now), "the retry returns the item as the first attempt left it");
        assertEquals(Map.of("disabled", 3L),
                TestStack.store().findToken(owner.namespace(), token.id()).orElseThrow().usage().refusedWithin24h(now));
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
