package dev.registrytokens.core.adapters;

import dev.registrytokens.core.DomainException;
import dev.registrytokens.core.LoginRecord;
import dev.registrytokens.core.LoginStore;
import dev.registrytokens.core.TokenRecord;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * Registry logins in the one DynamoDB table, through the low-level client: the login record and the source's
 * failure counter in one BatchGetItem (a hot token's refresh: one replica of the login record alone), failed logins counted per
 * source in {@code LOGIN-FAILURES#<source>#<window>} items that expire with their window (TTL), and the token's
 * {@code lastUsedAt}.
 */
public final class DynamoDbLoginStore implements LoginStore {
    private static final String TABLE = "The token table";
    private static final String FAILURES = "failures";

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    /** 0 until the first refresh picks one. */
    private volatile int refreshReplica;

    public DynamoDbLoginStore(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
    }

    /** One strongly consistent BatchGetItem, so the hot path makes one DynamoDB call. */
    @Override
    public LoginAttempt findLoginAttempt(String username, String source, long failureWindow) {
        Map<String, AttributeValue> loginKey = TableItems.loginKey(username);
        Map<String, AttributeValue> failuresKey = TableItems.key(failureKey(source, failureWindow));
        LoginRecord login = null;
        int failures = 0;
        for (Map<String, AttributeValue> item : batchGet(List.of(loginKey, failuresKey))) {
            if (item.get("pk").equals(loginKey.get("pk"))) {
                login = TableItems.LOGIN.mapToItem(item);
            } else if (item.containsKey(FAILURES)) {
                failures = Integer.parseInt(item.get(FAILURES).n());
            }
        }
        return new LoginAttempt(login, failures);
    }

    /**
     * A strongly consistent BatchGetItem of this environment's login replica alone: the login read's action, one read
     * unit. A replica that is not there, or lacks the record's attributes (its record was written before replicas, and
     * an update made it of the changes alone), leaves the answer to the primary: one read more.
     */
    @Override
    public LoginRecord refreshLogin(String username) {
        List<Map<String, AttributeValue>> replica = batchGet(List.of(TableItems.key(LoginRecord.replicaKey(username, refreshReplica()))));
        if (!replica.isEmpty() && replica.get(0).containsKey("tokenId")) {
            return TableItems.LOGIN.mapToItem(replica.get(0));
        }
        List<Map<String, AttributeValue>> primary = batchGet(List.of(TableItems.loginKey(username)));
        return primary.isEmpty() ? null : TableItems.LOGIN.mapToItem(primary.get(0));
    }

    /**
     * The replica (1 to {@code REPLICAS - 1}) this execution environment's refreshes read, picked at random on the first
     * refresh: SnapStart priming makes none, so every environment restored from one snapshot picks its own.
     */
    private int refreshReplica() {
        int chosen = refreshReplica;
        if (chosen == 0) {
            chosen = 1 + new SecureRandom().nextInt(LoginRecord.REPLICAS - 1);
            refreshReplica = chosen;
        }
        return chosen;
    }

    @Override
    public boolean countLoginGuess(String source, long failureWindow, long windowEndsAtEpochSecond, int limit) {
        try {
            dynamoDb.updateItem(request -> request.tableName(tableName)
                    .key(TableItems.key(failureKey(source, failureWindow)))
                    .updateExpression("ADD #failures :one SET #expiresAt = :windowEnd")
                    .conditionExpression("attribute_not_exists(#failures) OR #failures < :limit")
                    .expressionAttributeNames(Map.of("#failures", FAILURES, "#expiresAt", "expiresAt"))
                    .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"),
                            ":limit", AttributeValue.fromN(Integer.toString(limit)),
                            ":windowEnd", AttributeValue.fromN(Long.toString(windowEndsAtEpochSecond)))));
            return true;
        } catch (ConditionalCheckFailedException atLimit) {
            return false;
        } catch (SdkClientException | DynamoDbException e) {
            throw DependencyFailures.unavailable(TABLE, e);
        }
    }

    @Override
    public void uncountLoginGuess(String source, long failureWindow) {
        try {
            dynamoDb.updateItem(request -> request.tableName(tableName)
                    .key(TableItems.key(failureKey(source, failureWindow)))
                    .updateExpression("ADD #failures :minusOne")
                    .conditionExpression("#failures > :zero")
                    .expressionAttributeNames(Map.of("#failures", FAILURES))
                    .expressionAttributeValues(Map.of(":minusOne", AttributeValue.fromN("-1"), ":zero", AttributeValue.fromN("0"))));
        } catch (ConditionalCheckFailedException nothingCounted) {
            // the window's counter expired meanwhile
        } catch (SdkClientException | DynamoDbException e) {
            throw DependencyFailures.unavailable(TABLE, e);
        }
    }

    @Override
    public void recordLastUsed(LoginRecord login, Instant usedAt, Instant notAfter) {
        String partition = login.legacyAccountId() != null
                ? TokenRecord.legacyPartitionKey(login.legacyAccountId())
                : TokenRecord.partitionKey(login.namespace());
        try {
            dynamoDb.updateItem(request -> request.tableName(tableName)
                    .key(TableItems.tokenKey(partition, login.tokenId()))
                    .updateExpression("SET #lastUsedAt = :usedAt")
                    .conditionExpression("attribute_exists(pk) AND (attribute_not_exists(#lastUsedAt) OR #lastUsedAt < :notAfter)")
                    .expressionAttributeNames(Map.of("#lastUsedAt", "lastUsedAt"))
                    .expressionAttributeValues(Map.of(
                            ":usedAt", AttributeValue.fromS(usedAt.truncatedTo(ChronoUnit.SECONDS).toString()),
                            ":notAfter", AttributeValue.fromS(notAfter.truncatedTo(ChronoUnit.SECONDS).toString()))));
        } catch (ConditionalCheckFailedException recentlyRecorded) {
            // another login recorded it within the minute
        } catch (SdkClientException | DynamoDbException e) {
            throw DependencyFailures.unavailable(TABLE, e);
        }
    }

    /** The items found of {@code keys}, strongly consistent, in one BatchGetItem. */
    private List<Map<String, AttributeValue>> batchGet(List<Map<String, AttributeValue>> keys) {
        BatchGetItemResponse response;
        try {
            response = dynamoDb.batchGetItem(request -> request.requestItems(Map.of(tableName,
                    KeysAndAttributes.builder().keys(keys).consistentRead(true).build())));
        } catch (SdkClientException | DynamoDbException e) {
            throw DependencyFailures.unavailable(TABLE, e);
        }
        if (response.hasUnprocessedKeys() && !response.unprocessedKeys().isEmpty()) {
            // Throttled by DynamoDB: without every item the login cannot be judged, so it is refused.
            throw DomainException.Unavailable.dependency(TABLE, "throttle (unprocessed keys)");
        }
        return response.responses().getOrDefault(tableName, List.of());
    }

    private static String failureKey(String source, long failureWindow) {
        return "LOGIN-FAILURES#" + source + "#" + failureWindow;
    }
}
