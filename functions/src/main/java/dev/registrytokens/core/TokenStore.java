package dev.registrytokens.core;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.enhanced.dynamodb.model.GetItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.Page;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactDeleteItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactPutItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactWriteItemsEnhancedRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The one DynamoDB table: each token is a {@link TokenRecord} (under its account) and a {@link LoginRecord}
 * (under its username), always written together in one conditional transaction. Failed registry logins
 * are counted per source in {@code LOGIN-FAILURES#<source>#<window>} items that expire with their window.
 */
public final class TokenStore {
    private static final int MAX_TRANSACTION_ATTEMPTS = 3;
    private static final String FAILURES = "failures";
    private static final Expression ITEM_ABSENT = Expression.builder().expression("attribute_not_exists(pk)").build();

    private final DynamoDbTable<TokenRecord> tokens;
    private final DynamoDbTable<LoginRecord> logins;
    private final DynamoDbEnhancedClient enhanced;
    private final DynamoDbClient dynamoDb;
    private final String tableName;

    public TokenStore(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
        this.enhanced = DynamoDbEnhancedClient.builder().dynamoDbClient(dynamoDb).build();
        this.tokens = enhanced.table(tableName, TokenRecord.SCHEMA);
        this.logins = enhanced.table(tableName, LoginRecord.SCHEMA);
    }

    /** Thrown when a conditional write lost: the item exists already, or its version moved on. */
    public static final class ConditionFailed extends RuntimeException {
        ConditionFailed() {
            super("conditional write failed", null, false, false);
        }
    }

    /**
     * Writes a new token. Its username may be taken from an expired token whose login record TTL has not
     * deleted yet (TTL can be days late); fails with {@link ConditionFailed} while an unexpired token holds it.
     */
    public void create(TokenRecord token, LoginRecord login, Instant now) {
        transact(TransactWriteItemsEnhancedRequest.builder()
                .addPutItem(tokens, TransactPutItemEnhancedRequest.builder(TokenRecord.class)
                        .item(token).conditionExpression(ITEM_ABSENT).build())
                .addPutItem(logins, TransactPutItemEnhancedRequest.builder(LoginRecord.class)
                        .item(login).conditionExpression(absentOrExpired(now)).build())
                .build());
    }

    /**
     * Replaces both records, if both are still at {@code expectedVersion} and unexpired at {@code now} (a token
     * that expired since it was read is not brought back), and the login record is still this token's.
     */
    public void replace(TokenRecord token, LoginRecord login, long expectedVersion, Instant now) {
        Expression unchanged = atVersion(expectedVersion).and(unexpired(now));
        transact(TransactWriteItemsEnhancedRequest.builder()
                .addPutItem(tokens, TransactPutItemEnhancedRequest.builder(TokenRecord.class)
                        .item(token).conditionExpression(unchanged).build())
                .addPutItem(logins, TransactPutItemEnhancedRequest.builder(LoginRecord.class)
                        .item(login).conditionExpression(unchanged.and(ownedBy(token.id()))).build())
                .build());
    }

    /**
     * Deletes the token's record if it is still at {@code expectedVersion}, and its login record (freeing the
     * username) if that is still this token's. TTL deletes each item on its own, so an expired token's login
     * record may be gone already, or belong to a newer token of the same username: then it is left alone, and
     * the transaction checks that it still is.
     */
    public void delete(TokenRecord token, long expectedVersion) {
        Key loginKey = loginKey(token.username());
        boolean ownsLogin = findLogin(token.username()).map(login -> token.id().equals(login.tokenId())).orElse(false);
        var request = TransactWriteItemsEnhancedRequest.builder()
                .addDeleteItem(tokens, TransactDeleteItemEnhancedRequest.builder()
                        .key(Key.builder().partitionValue(token.pk()).sortValue(token.sk()).build())
                        .conditionExpression(atVersion(expectedVersion)).build());
        if (ownsLogin) {
            request.addDeleteItem(logins, TransactDeleteItemEnhancedRequest.builder().key(loginKey)
                    .conditionExpression(atVersion(expectedVersion).and(ownedBy(token.id()))).build());
        } else {
            request.addConditionCheck(logins, ConditionCheck.builder().key(loginKey).conditionExpression(notOwnedBy(token.id())).build());
        }
        transact(request.build());
    }

    public Optional<TokenRecord> findToken(String accountId, String tokenId) {
        Key key = Key.builder().partitionValue(TokenRecord.partitionKey(accountId)).sortValue(TokenRecord.sortKey(tokenId)).build();
        return Optional.ofNullable(read(() -> tokens.getItem(GetItemEnhancedRequest.builder().key(key).consistentRead(true).build())));
    }

    /**
     * The login record for a username, read strongly consistent so that a reset, disable or delete
     * takes effect on the very next login.
     */
    public Optional<LoginRecord> findLogin(String username) {
        Key key = loginKey(username);
        return Optional.ofNullable(read(() -> logins.getItem(GetItemEnhancedRequest.builder().key(key).consistentRead(true).build())));
    }

    private static Key loginKey(String username) {
        String key = LoginRecord.key(username);
        return Key.builder().partitionValue(key).sortValue(key).build();
    }

    /** A username's login record (null if none) and the failed logins its source made in the current window. */
    public record LoginAttempt(LoginRecord login, int sourceFailures) {
    }

    /**
     * The registry login read: the login record and the source's failure counter, in one strongly consistent
     * BatchGetItem, so the hot path makes one DynamoDB call.
     */
    public LoginAttempt findLoginAttempt(String username, String source, long failureWindow) {
        Map<String, AttributeValue> loginKey = key(LoginRecord.key(username));
        Map<String, AttributeValue> failuresKey = key(failureKey(source, failureWindow));
        var response = read(() -> dynamoDb.batchGetItem(request -> request.requestItems(Map.of(tableName,
                KeysAndAttributes.builder().keys(loginKey, failuresKey).consistentRead(true).build()))));
        if (response.hasUnprocessedKeys() && !response.unprocessedKeys().isEmpty()) {
            // Throttled by DynamoDB: without both items the login cannot be judged, so it is refused.
            throw ApiException.serviceUnavailable("The token table");
        }
        LoginRecord login = null;
        int failures = 0;
        for (Map<String, AttributeValue> item : response.responses().getOrDefault(tableName, List.of())) {
            if (item.get("pk").equals(loginKey.get("pk"))) {
                login = LoginRecord.SCHEMA.mapToItem(item);
            } else if (item.containsKey(FAILURES)) {
                failures = Integer.parseInt(item.get(FAILURES).n());
            }
        }
        return new LoginAttempt(login, failures);
    }

    /** Counts one failed login for the source in a fixed window; the counter expires with the window (TTL). */
    public void recordLoginFailure(String source, long failureWindow, long windowEndsAtEpochSecond) {
        write(() -> dynamoDb.updateItem(request -> request.tableName(tableName)
                .key(key(failureKey(source, failureWindow)))
                .updateExpression("ADD #failures :one SET #expiresAt = :windowEnd")
                .expressionAttributeNames(Map.of("#failures", FAILURES, "#expiresAt", "expiresAt"))
                .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"),
                        ":windowEnd", AttributeValue.fromN(Long.toString(windowEndsAtEpochSecond))))));
    }

    /**
     * Sets the token's lastUsedAt (whole seconds) unless it was set after {@code notAfter}; a token deleted
     * meanwhile is left alone. Does not bump the version: it is not a change the owner made.
     */
    public void recordLastUsed(String accountId, String tokenId, Instant usedAt, Instant notAfter) {
        try {
            dynamoDb.updateItem(request -> request.tableName(tableName)
                    .key(Map.of("pk", AttributeValue.fromS(TokenRecord.partitionKey(accountId)),
                            "sk", AttributeValue.fromS(TokenRecord.sortKey(tokenId))))
                    .updateExpression("SET #lastUsedAt = :usedAt")
                    .conditionExpression("attribute_exists(pk) AND (attribute_not_exists(#lastUsedAt) OR #lastUsedAt < :notAfter)")
                    .expressionAttributeNames(Map.of("#lastUsedAt", "lastUsedAt"))
                    .expressionAttributeValues(Map.of(
                            ":usedAt", AttributeValue.fromS(usedAt.truncatedTo(ChronoUnit.SECONDS).toString()),
                            ":notAfter", AttributeValue.fromS(notAfter.truncatedTo(ChronoUnit.SECONDS).toString()))));
        } catch (ConditionalCheckFailedException recentlyRecorded) {
            // another login recorded it within the minute
        } catch (SdkClientException | DynamoDbException e) {
            throw ApiException.serviceUnavailable("The token table");
        }
    }

    private static String failureKey(String source, long failureWindow) {
        return "LOGIN-FAILURES#" + source + "#" + failureWindow;
    }

    private static Map<String, AttributeValue> key(String value) {
        return Map.of("pk", AttributeValue.fromS(value), "sk", AttributeValue.fromS(value));
    }

    /** Up to {@code limit} of an account's tokens, newest first, starting after the token {@code afterId}. */
    public List<TokenRecord> listTokens(String accountId, int limit, String afterId) {
        QueryEnhancedRequest.Builder query = QueryEnhancedRequest.builder()
                .queryConditional(QueryConditional.sortBeginsWith(Key.builder()
                        .partitionValue(TokenRecord.partitionKey(accountId)).sortValue(TokenRecord.sortKey("")).build()))
                .scanIndexForward(false)
                .consistentRead(true)
                .limit(limit);
        if (afterId != null) {
            query.exclusiveStartKey(Map.of(
                    "pk", AttributeValue.fromS(TokenRecord.partitionKey(accountId)),
                    "sk", AttributeValue.fromS(TokenRecord.sortKey(afterId))));
        }
        Page<TokenRecord> page = read(() -> tokens.query(query.build()).iterator().next());
        return page.items();
    }

    private static Expression atVersion(long expectedVersion) {
        return condition("#version = :version", "version", AttributeValue.fromN(Long.toString(expectedVersion)));
    }

    /** Absent, or expired: TTL deletes expired items only eventually, so an expired one counts as gone. */
    private static Expression absentOrExpired(Instant now) {
        return condition("attribute_not_exists(pk) OR #expiresAt <= :expiresAt", "expiresAt", epochSeconds(now));
    }

    private static Expression unexpired(Instant now) {
        return condition("attribute_not_exists(#expiresAt) OR #expiresAt > :expiresAt", "expiresAt", epochSeconds(now));
    }

    private static Expression ownedBy(String tokenId) {
        return condition("#tokenId = :tokenId", "tokenId", AttributeValue.fromS(tokenId));
    }

    private static Expression notOwnedBy(String tokenId) {
        return condition("attribute_not_exists(pk) OR #tokenId <> :tokenId", "tokenId", AttributeValue.fromS(tokenId));
    }

    /** A condition on one attribute, written with {@code #attribute} for its name and {@code :attribute} for the value. */
    private static Expression condition(String expression, String attribute, AttributeValue value) {
        return Expression.builder()
                .expression(expression)
                .putExpressionName("#" + attribute, attribute)
                .putExpressionValue(":" + attribute, value)
                .build();
    }

    private static AttributeValue epochSeconds(Instant instant) {
        return AttributeValue.fromN(Long.toString(instant.getEpochSecond()));
    }

    private void transact(TransactWriteItemsEnhancedRequest request) {
        for (int attempt = 1; ; attempt++) {
            try {
                enhanced.transactWriteItems(request);
                return;
            } catch (TransactionCanceledException e) {
                if (hasReason(e, "ConditionalCheckFailed")) {
                    throw new ConditionFailed();
                }
                // A concurrent transaction on the same items: its conditions are evaluated afresh on a retry.
                if (!hasReason(e, "TransactionConflict") || attempt == MAX_TRANSACTION_ATTEMPTS) {
                    throw ApiException.serviceUnavailable("The token table");
                }
            } catch (SdkClientException | DynamoDbException e) {
                throw ApiException.serviceUnavailable("The token table");
            }
        }
    }

    private static boolean hasReason(TransactionCanceledException e, String code) {
        return e.hasCancellationReasons() && e.cancellationReasons().stream().anyMatch(reason -> code.equals(reason.code()));
    }

    private static void write(Runnable call) {
        read(() -> {
            call.run();
            return null;
        });
    }

    private static <T> T read(Supplier<T> call) {
        try {
            return call.get();
        } catch (SdkClientException | DynamoDbException e) {
            throw ApiException.serviceUnavailable("The token table");
        }
    }
}
