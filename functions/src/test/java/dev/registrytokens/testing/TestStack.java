package dev.registrytokens.testing;

import dev.registrytokens.aws.AwsClients.Timeouts;
import dev.registrytokens.core.CreateTokenRequest;
import dev.registrytokens.core.LoginRecord;
import dev.registrytokens.core.LoginStore;
import dev.registrytokens.core.Permission;
import dev.registrytokens.core.SecretMacs;
import dev.registrytokens.core.TokenRecord;
import dev.registrytokens.core.TokenService;
import dev.registrytokens.core.TokenStore;
import dev.registrytokens.core.TokenView;
import dev.registrytokens.core.adapters.DynamoDbLoginStore;
import dev.registrytokens.core.adapters.DynamoDbTokenStore;
import dev.registrytokens.core.adapters.KmsSecretMacs;
import dev.registrytokens.testkit.AwsEmulator;
import dev.registrytokens.testkit.ProjectFiles;
import dev.registrytokens.testkit.TemplateResources;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kms.KmsClient;

/** The real service over the emulator's table and key, as the Lambda handlers wire it. */
public final class TestStack {
    private static DynamoDbClient dynamoDb;
    private static KmsClient kms;

    private TestStack() {
    }

    public static synchronized DynamoDbClient dynamoDb() {
        if (dynamoDb == null) {
            dynamoDb = AwsEmulator.stack().dynamoDb();
        }
        return dynamoDb;
    }

    public static synchronized KmsClient kms() {
        if (kms == null) {
            kms = AwsEmulator.stack().kms();
        }
        return kms;
    }

    public static TokenStore store() {
        return new DynamoDbTokenStore(dynamoDb(), AwsEmulator.stack().tableName());
    }

    /** The registry logins' reads and writes of the same table. */
    public static LoginStore loginStore() {
        return new DynamoDbLoginStore(dynamoDb(), AwsEmulator.stack().tableName());
    }

    public static SecretMacs macs() {
        return new KmsSecretMacs(kms(), AwsEmulator.stack().macKeyId());
    }

    /** The token table through a DynamoDB client that fails as {@code fault} says, with the given tier's timeouts. */
    public static TokenStore store(DependencyFault fault, Timeouts timeouts) {
        return new DynamoDbTokenStore(fault.dynamoDb(timeouts), AwsEmulator.stack().tableName());
    }

    /** The registry logins' table through a DynamoDB client that fails as {@code fault} says (login path timeouts). */
    public static LoginStore loginStore(DependencyFault fault) {
        return new DynamoDbLoginStore(fault.dynamoDb(Timeouts.HOT_PATH), AwsEmulator.stack().tableName());
    }

    /** MACs through a KMS client that fails as {@code fault} says, with the given tier's timeouts. */
    public static SecretMacs macs(DependencyFault fault, Timeouts timeouts) {
        return new KmsSecretMacs(fault.kms(timeouts), AwsEmulator.stack().macKeyId());
    }

    /** The token table through a client whose calls the interceptors see first. */
    public static TokenStore store(ExecutionInterceptor... interceptors) {
        return new DynamoDbTokenStore(AwsEmulator.stack().dynamoDb(interceptors), AwsEmulator.stack().tableName());
    }

    /** A new table shaped as the template's token table, holding nothing (no certificate either). */
    public static String emptyTable() {
        return TemplateResources.createTable(dynamoDb(), "test-empty-" + UUID.randomUUID(),
                TemplateResources.readTemplate(ProjectFiles.template()).at("/Resources/TokensTable/Properties"));
    }

    public static TokenService tokenService() {
        return tokenService(Clock.systemUTC());
    }

    public static TokenService tokenService(Clock clock) {
        return new TokenService(store(), macs(), clock);
    }

    /** Creates a token through the service (not a handler) to set up a test; remembers its secret. */
    public static TokenView createToken(TestAccount owner, String name, Permission permission, Integer days) {
        TokenView token = tokenService().create(owner.membership(), new CreateTokenRequest(name, permission, null, days, null));
        IssuedSecrets.remember(token.secret());
        return token;
    }

    /**
     * Sets a token's expiry a minute in the past directly in the table, on both its records (they always
     * share it), as if it had run out and TTL had not yet deleted either.
     */
    public static void expireTokenInTable(String username) {
        var login = store().findLogin(username).orElseThrow();
        long past = Instant.now().minusSeconds(60).getEpochSecond();
        for (var key : List.of(tokenItemKey(login.namespace(), login.tokenId()), loginItemKey(username))) {
            dynamoDb().updateItem(update -> update.tableName(AwsEmulator.stack().tableName()).key(key)
                    .updateExpression("SET expiresAt = :past")
                    .expressionAttributeValues(Map.of(":past", AttributeValue.fromN(Long.toString(past)))));
        }
    }

    /** The table key of a token's record under its namespace. */
    public static Map<String, AttributeValue> tokenItemKey(String namespace, String tokenId) {
        return Map.of("pk", AttributeValue.fromS(TokenRecord.partitionKey(namespace)),
                "sk", AttributeValue.fromS(TokenRecord.sortKey(tokenId)));
    }

    /** The table key of a username's login record. */
    public static Map<String, AttributeValue> loginItemKey(String username) {
        String key = LoginRecord.key(username);
        return Map.of("pk", AttributeValue.fromS(key), "sk", AttributeValue.fromS(key));
    }

    /**
     * How many token items the table holds under this caller's namespace partition (not its audit records) and login
     * items under the given username (the primary; replicas have keys of their own).
     */
    public static int itemsFor(TestAccount owner, String username) {
        String table = AwsEmulator.stack().tableName();
        int tokens = dynamoDb().query(q -> q.tableName(table).keyConditionExpression("pk = :pk AND begins_with(sk, :tokens)")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(TokenRecord.partitionKey(owner.namespace())),
                        ":tokens", AttributeValue.fromS(TokenRecord.sortKey("")))))
                .count();
        int logins = dynamoDb().query(q -> q.tableName(table).keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk",
                        AttributeValue.fromS(LoginRecord.key(username)))))
                .count();
        return tokens + logins;
    }
}
