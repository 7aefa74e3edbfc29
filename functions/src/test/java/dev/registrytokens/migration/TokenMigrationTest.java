package dev.registrytokens.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registrytokens.core.AuditEntry;
import dev.registrytokens.core.AuditLog;
import dev.registrytokens.core.LoginRecord;
import dev.registrytokens.core.Membership;
import dev.registrytokens.core.Role;
import dev.registrytokens.core.Secrets;
import dev.registrytokens.core.TokenIds;
import dev.registrytokens.core.TokenRecord;
import dev.registrytokens.core.TokenService;
import dev.registrytokens.core.adapters.DynamoDbAuditStore;
import dev.registrytokens.registry.BasicCredentials;
import dev.registrytokens.registry.RegistryLogins;
import dev.registrytokens.testing.IssuedSecrets;
import dev.registrytokens.testing.TestStack;
import dev.registrytokens.testkit.AwsEmulator;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Tokens written in the first layout (under {@code ACCOUNT#<creator>}, as the code before namespaces wrote them, item for
 * item) log in before and after the migration, and after it are listed, managed and deleted in their namespace; a run
 * stopped halfway and run again leaves exactly one copy of each.
 */
@Tag("machine")
class TokenMigrationTest {
    private static final String TABLE = AwsEmulator.stack().tableName();
    /** The migration runs as its function does: with that function's role, which IAM in the emulator enforces. */
    private static final DynamoDbClient AS_MIGRATION_FUNCTION = AwsEmulator.stack().dynamoDbAs("TokenMigrationFunction");
    private final String namespace = "legacy" + UUID.randomUUID().toString().substring(0, 8);
    private final String creator = "creator-" + UUID.randomUUID();
    private final TokenService tokens = TestStack.tokenService();
    private final RegistryLogins logins = new RegistryLogins(TestStack.loginStore(), TestStack.macs(), Clock.systemUTC(), 10, Duration.ofMinutes(5));

    /** A token and its secret, in the first layout. */
    private record LegacyToken(String id, String username, String secret) {
    }

    private LegacyToken writeLegacyToken(String name) {
        Instant now = Instant.now();
        String id = TokenIds.newId(now, new SecureRandom());
        String username = namespace + "+" + name;
        String secret = Secrets.generate();
        IssuedSecrets.remember(secret);
        Map<String, AttributeValue> token = new HashMap<>(Map.of(
                "pk", s("ACCOUNT#" + creator), "sk", s("TOKEN#" + id), "id", s(id), "accountId", s(creator),
                "namespace", s(namespace), "name", s(name), "username", s(username), "permission", s("PULL_PUSH"),
                "status", s("ENABLED"), "createdAt", s(now.toString())));
        token.put("updatedAt", s(now.toString()));
        token.put("version", AttributeValue.fromN("1"));
        Map<String, AttributeValue> login = new HashMap<>(Map.of(
                "pk", s("USERNAME#" + username), "sk", s("USERNAME#" + username), "tokenId", s(id), "accountId", s(creator),
                "namespace", s(namespace), "permission", s("PULL_PUSH"), "status", s("ENABLED"),
                "mac", AttributeValue.fromB(SdkBytes.fromByteArray(TestStack.macs().macOf(secret))), "version", AttributeValue.fromN("1")));
        TestStack.dynamoDb().putItem(put -> put.tableName(TABLE).item(token));
        TestStack.dynamoDb().putItem(put -> put.tableName(TABLE).item(login));
        return new LegacyToken(id, username, secret);
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private boolean logsIn(LegacyToken token) {
        return logins.decide(java.util.Optional.of(new BasicCredentials(token.username(), token.secret())), "198.51.100.41", "migration-test")
                .isPresent();
    }

    private Map<String, AttributeValue> item(String pk, String sk) {
        return TestStack.dynamoDb().getItem(get -> get.tableName(TABLE).consistentRead(true)
                .key(Map.of("pk", s(pk), "sk", s(sk)))).item();
    }

    private boolean inOldLayout(LegacyToken token) {
        return !item("ACCOUNT#" + creator, "TOKEN#" + token.id()).isEmpty();
    }

    private boolean inNewLayout(LegacyToken token) {
        return !item(TokenRecord.partitionKey(namespace), "TOKEN#" + token.id()).isEmpty();
    }

    private Membership owner() {
        return new Membership("an-owner", namespace, Role.OWNER);
    }

    @Test
    void oldLayoutTokensLogInBeforeAndAfterTheMigrationAndThenAreListedManagedAndDeletedInTheirNamespace() {
        LegacyToken first = writeLegacyToken("ci-pull");
        LegacyToken second = writeLegacyToken("ci-push");
        assertTrue(logsIn(first), "before the migration");
        assertEquals(List.of(), tokens.list(owner(), 100, null).items(), "not yet under the namespace");

        TokenMigrationHandler.migrate(AS_MIGRATION_FUNCTION, Map.of("TableName", TABLE));

        assertTrue(logsIn(first), "after the migration");
        assertTrue(logsIn(second));
        var listed = tokens.list(owner(), 100, null).items();
        assertEquals(List.of(second.id(), first.id()), listed.stream().map(view -> view.id()).toList(), "newest first");
        assertEquals(creator, listed.getFirst().createdBy(), "the creator is the first layout's account");
        assertFalse(inOldLayout(first));
        assertNull(item("USERNAME#" + first.username(), "USERNAME#" + first.username()).get("accountId"),
                "the login item no longer names the old place");
        Map<String, AttributeValue> primary = new HashMap<>(item("USERNAME#" + first.username(), "USERNAME#" + first.username()));
        for (int replica = 1; replica < LoginRecord.REPLICAS; replica++) {
            String key = LoginRecord.replicaKey(first.username(), replica);
            primary.put("pk", s(key));
            primary.put("sk", s(key));
            assertEquals(primary, item(key, key), "login replica " + replica + ": the moved login item under its own key");
        }
        assertNotNull(TestStack.store().findToken(namespace, first.id()).orElseThrow().lastUsedAt(),
                "a login after the move records its use at the new place");
        var audit = new AuditLog(new DynamoDbAuditStore(TestStack.dynamoDb(), TABLE), null, Clock.systemUTC()).list(owner(), 100, null, first.id()).items();
        assertEquals(List.of("migrate"), audit.stream().map(AuditEntry::action).toList(), "the move is audited, in its transaction");
        assertEquals("system", audit.getFirst().actor().sub());

        var member = new Membership(creator, namespace, Role.MEMBER);
        assertEquals(2L, tokens.edit(member, first.id(), 1L, new dev.registrytokens.core.EditTokenRequest(null, false, null, false, null, true, "moved"))
                .version(), "its creator, as a member, still manages it");
        tokens.delete(owner(), first.id(), null);
        assertFalse(logsIn(first), "deleted");
        assertTrue(item("USERNAME#" + first.username(), "USERNAME#" + first.username()).isEmpty(), "its username is free again");
        for (int replica = 1; replica < LoginRecord.REPLICAS; replica++) {
            String key = LoginRecord.replicaKey(first.username(), replica);
            assertTrue(item(key, key).isEmpty(), "login replica " + replica + " deleted with it");
        }
    }

    @Test
    void aMigrationInterruptedHalfwayAndRunAgainLeavesExactlyOneCopyOfEachToken() {
        List<LegacyToken> written = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            written.add(writeLegacyToken("token-" + i));
        }
        DynamoDbClient failsOnThirdMove = AwsEmulator.stack().dynamoDb(new FailsFromCall("TransactWriteItems", 3));
        assertThrows(RuntimeException.class, () -> new LegacyLayoutMigration(failsOnThirdMove, TABLE, Clock.systemUTC(), Duration.ofDays(400)).migrateAll());

        int moved = 0;
        for (LegacyToken token : written) {
            assertTrue(inOldLayout(token) != inNewLayout(token), "one copy of " + token.username() + " after the interruption");
            moved += inNewLayout(token) ? 1 : 0;
            assertTrue(logsIn(token), "logs in, moved or not");
        }
        assertEquals(2, moved, "the two moves before the failure landed");

        var again = new LegacyLayoutMigration(AS_MIGRATION_FUNCTION, TABLE, Clock.systemUTC(), Duration.ofDays(400)).migrateAll();
        assertTrue(again.moved() >= 3, "the rest moved: " + again);
        for (LegacyToken token : written) {
            assertFalse(inOldLayout(token));
            assertTrue(inNewLayout(token));
            assertTrue(logsIn(token));
        }
        assertEquals(5, tokens.list(owner(), 100, null).items().size(), "exactly one copy each");
        assertEquals(new LegacyLayoutMigration.Result(0, 0), new LegacyLayoutMigration(AS_MIGRATION_FUNCTION, TABLE, Clock.systemUTC(), Duration.ofDays(400)).migrateAll(),
                "a third run finds nothing to do");
    }

    @Test
    void aTokenWhoseLoginItemTtlRemovedMovesAndItsUsernameStaysFree() {
        LegacyToken expired = writeLegacyToken("expired");
        TestStack.dynamoDb().deleteItem(delete -> delete.tableName(TABLE).key(Map.of(
                "pk", s("USERNAME#" + expired.username()), "sk", s("USERNAME#" + expired.username()))));

        new LegacyLayoutMigration(AS_MIGRATION_FUNCTION, TABLE, Clock.systemUTC(), Duration.ofDays(400)).migrateAll();

        assertFalse(inOldLayout(expired));
        assertTrue(inNewLayout(expired), "moved under its namespace");
        assertTrue(item("USERNAME#" + expired.username(), "USERNAME#" + expired.username()).isEmpty(), "no login item made for it");
        assertFalse(logsIn(expired));
    }

    /** Fails every call of one operation from its n-th on, as a function that times out or loses its network would. */
    private static final class FailsFromCall implements ExecutionInterceptor {
        private final String operation;
        private final int failFrom;
        private final AtomicInteger calls = new AtomicInteger();

        FailsFromCall(String operation, int failFrom) {
            this.operation = operation;
            this.failFrom = failFrom;
        }

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (operation.equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME)) && calls.incrementAndGet() >= failFrom) {
                throw new IllegalStateException("the migration stopped here");
            }
        }
    }
}
