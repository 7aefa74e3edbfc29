package dev.registrytokens.core;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
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
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The one DynamoDB table: each token is a {@link TokenRecord} (under its namespace) and a {@link LoginRecord}
 * (under its username), always written together in one conditional transaction. Failed registry logins
 * are counted per source in {@code LOGIN-FAILURES#<source>#<window>} items that expire with their window.
 */
public final class TokenStore {
    private static final int MAX_TRANSACTION_ATTEMPTS = 3;
    private static final String FAILURES = "failures";
    /** What an edit, enable, disable or reset may change in each item; the rest is set once, at creation. */
    private static final List<String> TOKEN_ATTRIBUTES = List.of("description", "permission", "repositories", "status", "expiresAt", "updatedAt", "version");
    private static final List<String> LOGIN_ATTRIBUTES = List.of("permission", "repositories", "status", "expiresAt", "mac", "version");
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
        transact(() -> enhanced.transactWriteItems(TransactWriteItemsEnhancedRequest.builder()
                .addPutItem(tokens, TransactPutItemEnhancedRequest.builder(TokenRecord.class)
                        .item(token).conditionExpression(ITEM_ABSENT).build())
                .addPutItem(logins, TransactPutItemEnhancedRequest.builder(LoginRecord.class)
                        .item(login).conditionExpression(absentOrExpired(now)).build())
                .build()));
    }

    /**
     * Updates, in both of the token's items, only the attributes in which {@code next} differs from {@code current}
     * (and the login item's MAC, if {@code newMac} is given): attributes written by others, such as the registry
     * logins' {@code lastUsedAt}, stay as they are. Both items must still be at {@code current}'s version and
     * unexpired at {@code now} (a token that expired since it was read is not brought back), and the login item
     * must still be this token's.
     */
    public void update(TokenRecord current, TokenRecord next, SdkBytes newMac, Instant now) {
        Expression unchanged = atVersion(current.version()).and(unexpired(now));
        Map<String, AttributeValue> tokenChanges = changedAttributes(TokenRecord.SCHEMA, current, next, TOKEN_ATTRIBUTES);
        Map<String, AttributeValue> loginChanges = changedAttributes(LoginRecord.SCHEMA,
                LoginRecord.of(current, null), LoginRecord.of(next, newMac), LOGIN_ATTRIBUTES);
        transact(() -> dynamoDb.transactWriteItems(request -> request.transactItems(
                TransactWriteItem.builder().update(update(tokenKey(current), tokenChanges, unchanged)).build(),
                TransactWriteItem.builder().update(update(key(LoginRecord.key(current.username())), loginChanges,
                        unchanged.and(ownedBy(current.id())))).build())));
    }

    /** The attributes, of those an edit may change, whose values differ: null for one {@code next} no longer has. */
    private static <T> Map<String, AttributeValue> changedAttributes(TableSchema<T> schema, T current, T next, List<String> attributes) {
        Map<String, AttributeValue> changed = new LinkedHashMap<>();
        for (String attribute : attributes) {
            AttributeValue value = schema.attributeValue(next, attribute);
            if (!Objects.equals(schema.attributeValue(current, attribute), value)) {
                changed.put(attribute, value == null || Boolean.TRUE.equals(value.nul()) ? null : value);
            }
        }
        return changed;
    }

    /** SET of each changed attribute with a value, REMOVE of each without, under the condition. */
    private Update update(Map<String, AttributeValue> key, Map<String, AttributeValue> changes, Expression condition) {
        Map<String, String> names = new HashMap<>(condition.expressionNames());
        Map<String, AttributeValue> values = new HashMap<>(condition.expressionValues());
        List<String> set = new ArrayList<>();
        List<String> remove = new ArrayList<>();
        changes.forEach((attribute, value) -> {
            names.put("#" + attribute, attribute);
            if (value == null) {
                remove.add("#" + attribute);
            } else {
                values.put(":new_" + attribute, value);
                set.add("#" + attribute + " = :new_" + attribute);
            }
        });
        String expression = (set.isEmpty() ? "" : "SET " + String.join(", ", set))
                + (remove.isEmpty() ? "" : " REMOVE " + String.join(", ", remove));
        return Update.builder().tableName(tableName).key(key).updateExpression(expression.strip())
                .conditionExpression(condition.expression()).expressionAttributeNames(names).expressionAttributeValues(values).build();
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
        transact(() -> enhanced.transactWriteItems(request.build()));
    }

    public Optional<TokenRecord> findToken(String namespace, String tokenId) {
        Key key = Key.builder().partitionValue(TokenRecord.partitionKey(namespace)).sortValue(TokenRecord.sortKey(tokenId)).build();
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

    private static Map<String, AttributeValue> tokenKey(TokenRecord token) {
        return Map.of("pk", AttributeValue.fromS(token.pk()), "sk", AttributeValue.fromS(token.sk()));
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
            throw DomainException.Unavailable.dependency("The token table", "throttle (unprocessed keys)");
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

    /**
     * Counts a guess against its source before the guess costs a KMS call: one conditional increment of the source's
     * counter for the fixed window (which expires with it, by TTL), made only while the count is under {@code limit},
     * so guesses sent in parallel cannot pass it. False, and nothing written, when the source is at its limit.
     */
    public boolean countLoginGuess(String source, long failureWindow, long windowEndsAtEpochSecond, int limit) {
        try {
            dynamoDb.updateItem(request -> request.tableName(tableName)
                    .key(key(failureKey(source, failureWindow)))
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
            throw DomainException.Unavailable.dependency("The token table", e);
        }
    }

    /** Takes back a counted guess that was no failure (the right secret, or one KMS could not judge). */
    public void uncountLoginGuess(String source, long failureWindow) {
        try {
            dynamoDb.updateItem(request -> request.tableName(tableName)
                    .key(key(failureKey(source, failureWindow)))
                    .updateExpression("ADD #failures :minusOne")
                    .conditionExpression("#failures > :zero")
                    .expressionAttributeNames(Map.of("#failures", FAILURES))
                    .expressionAttributeValues(Map.of(":minusOne", AttributeValue.fromN("-1"), ":zero", AttributeValue.fromN("0"))));
        } catch (ConditionalCheckFailedException nothingCounted) {
            // the window's counter expired meanwhile
        } catch (SdkClientException | DynamoDbException e) {
            throw DomainException.Unavailable.dependency("The token table", e);
        }
    }

    /**
     * Sets the token's lastUsedAt (whole seconds) unless it was set after {@code notAfter}; a token deleted or moved by
     * the layout migration meanwhile is left alone. Does not bump the version: it is not a change anyone made.
     */
    public void recordLastUsed(LoginRecord login, Instant usedAt, Instant notAfter) {
        String partition = login.legacyAccountId() != null
                ? LegacyLayoutMigration.legacyPartitionKey(login.legacyAccountId())
                : TokenRecord.partitionKey(login.namespace());
        try {
            dynamoDb.updateItem(request -> request.tableName(tableName)
                    .key(Map.of("pk", AttributeValue.fromS(partition),
                            "sk", AttributeValue.fromS(TokenRecord.sortKey(login.tokenId()))))
                    .updateExpression("SET #lastUsedAt = :usedAt")
                    .conditionExpression("attribute_exists(pk) AND (attribute_not_exists(#lastUsedAt) OR #lastUsedAt < :notAfter)")
                    .expressionAttributeNames(Map.of("#lastUsedAt", "lastUsedAt"))
                    .expressionAttributeValues(Map.of(
                            ":usedAt", AttributeValue.fromS(usedAt.truncatedTo(ChronoUnit.SECONDS).toString()),
                            ":notAfter", AttributeValue.fromS(notAfter.truncatedTo(ChronoUnit.SECONDS).toString()))));
        } catch (ConditionalCheckFailedException recentlyRecorded) {
            // another login recorded it within the minute
        } catch (SdkClientException | DynamoDbException e) {
            throw DomainException.Unavailable.dependency("The token table", e);
        }
    }

    private static String failureKey(String source, long failureWindow) {
        return "LOGIN-FAILURES#" + source + "#" + failureWindow;
    }

    private static Map<String, AttributeValue> key(String value) {
        return Map.of("pk", AttributeValue.fromS(value), "sk", AttributeValue.fromS(value));
    }

    /** Up to {@code limit} of a namespace's tokens, newest first, starting after the token {@code afterId}. */
    public List<TokenRecord> listTokens(String namespace, int limit, String afterId) {
        QueryEnhancedRequest.Builder query = QueryEnhancedRequest.builder()
                .queryConditional(QueryConditional.sortBeginsWith(Key.builder()
                        .partitionValue(TokenRecord.partitionKey(namespace)).sortValue(TokenRecord.sortKey("")).build()))
                .scanIndexForward(false)
                .consistentRead(true)
                .limit(limit);
        if (afterId != null) {
            query.exclusiveStartKey(Map.of(
                    "pk", AttributeValue.fromS(TokenRecord.partitionKey(namespace)),
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

    private static void transact(Runnable transaction) {
        for (int attempt = 1; ; attempt++) {
            try {
                transaction.run();
                return;
            } catch (TransactionCanceledException e) {
                if (hasReason(e, "ConditionalCheckFailed")) {
                    throw new ConditionFailed();
                }
                // A concurrent transaction on the same items: its conditions are evaluated afresh on a retry.
                if (!hasReason(e, "TransactionConflict") || attempt == MAX_TRANSACTION_ATTEMPTS) {
                    throw DomainException.Unavailable.dependency("The token table", hasReason(e, "TransactionConflict")
                            ? "conflict (transactions kept colliding)" : "error (transaction cancelled: " + reasons(e) + ")");
                }
                Backoff.pause(attempt);
            } catch (SdkClientException | DynamoDbException e) {
                throw DomainException.Unavailable.dependency("The token table", e);
            }
        }
    }

    /** The cancellation reasons' codes, such as {@code [None, ThrottlingError]}. */
    private static String reasons(TransactionCanceledException e) {
        return e.hasCancellationReasons() ? e.cancellationReasons().stream().map(reason -> String.valueOf(reason.code())).toList().toString() : "[]";
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
            throw DomainException.Unavailable.dependency("The token table", e);
        }
    }
}
