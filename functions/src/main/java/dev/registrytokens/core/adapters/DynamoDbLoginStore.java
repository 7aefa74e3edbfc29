package dev.registrytokens.core.adapters;

import dev.registrytokens.core.DomainException;
import dev.registrytokens.core.LoginRecord;
import dev.registrytokens.core.LoginStore;
import dev.registrytokens.core.TokenRecord;
import dev.registrytokens.core.TokenUsage;
import dev.registrytokens.core.UsageUpdate;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * Registry logins in the one DynamoDB table, through the low-level client: the login record and the source's
 * failure counter in one BatchGetItem (a hot token's refresh: one replica of the login record alone), failed logins
 * counted per source in {@code LOGIN-FAILURES#<source>#<window>} items that expire with their window (TTL), and the
 * token's usage ({@code lastUsedAt} and {@code usage}, on its item).
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
    public Optional<TokenUsage> recordUsage(LoginRecord login, UsageUpdate update) {
        String partition = login.legacyAccountId() != null
                ? TokenRecord.legacyPartitionKey(login.legacyAccountId())
                : TokenRecord.partitionKey(login.namespace());
        Map<String, AttributeValue> key = TableItems.tokenKey(partition, login.tokenId());
        try {
            try {
                return writeUsage(key, update);
            } catch (DynamoDbException e) {
                if (!isMissingUsageMaps(e)) {
                    throw e;
                }
                // The token's first usage write: its maps are created once, then the entries set by path.
                createUsageMaps(key);
                return writeUsage(key, update);
            }
        } catch (ConditionalCheckFailedException tokenGone) {
            return Optional.empty();
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

    /**
     * One UpdateItem: each source and refusal bucket set by its own path, so concurrent writers' entries stay. The
     * write carries an id of its own and is conditioned on the item not holding it yet, so an SDK retry of a write that
     * landed (its answer lost or late) fails its condition instead of adding the refusals twice.
     */
    private Optional<TokenUsage> writeUsage(Map<String, AttributeValue> key, UsageUpdate update) {
        Map<String, String> names = new HashMap<>(Map.of("#usage", TokenUsageAttribute.NAME, "#writeId", TokenUsageAttribute.WRITE_ID));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":writeId", AttributeValue.fromS(UUID.randomUUID().toString())));
        List<String> set = new ArrayList<>(List.of("#usage.#writeId = :writeId"));
        List<String> remove = new ArrayList<>();
        if (update.lastUsedAt() != null) {
            names.put("#lastUsedAt", "lastUsedAt");
            values.put(":usedAt", AttributeValue.fromS(update.lastUsedAt().truncatedTo(ChronoUnit.SECONDS).toString()));
            set.add("#lastUsedAt = :usedAt");
        }
        if (!update.sources().isEmpty() || !update.staleSources().isEmpty()) {
            names.put("#sources", TokenUsageAttribute.SOURCES);
        }
        int i = 0;
        for (TokenUsage.Source source : update.sources().values()) {
            names.put("#s" + i, source.ip());
            values.put(":s" + i, TokenUsageAttribute.source(source));
            set.add("#usage.#sources.#s" + i + " = :s" + i);
            i++;
        }
        if (!update.refusals().isEmpty() || !update.staleRefusals().isEmpty()) {
            names.put("#refusals", TokenUsageAttribute.REFUSALS);
        }
        if (!update.refusals().isEmpty()) {
            values.put(":zero", AttributeValue.fromN("0"));
        }
        i = 0;
        for (Map.Entry<String, Long> bucket : update.refusals().entrySet()) {
            names.put("#r" + i, bucket.getKey());
            values.put(":r" + i, AttributeValue.fromN(Long.toString(bucket.getValue())));
            set.add("#usage.#refusals.#r" + i + " = if_not_exists(#usage.#refusals.#r" + i + ", :zero) + :r" + i);
            i++;
        }
        if (update.lastRefusal() != null) {
            names.put("#lastRefusal", TokenUsageAttribute.LAST_REFUSAL);
            values.put(":lastRefusal", TokenUsageAttribute.refusal(update.lastRefusal()));
            set.add("#usage.#lastRefusal = :lastRefusal");
        }
        i = 0;
        for (String ip : update.staleSources()) {
            names.put("#x" + i, ip);
            remove.add("#usage.#sources.#x" + i++);
        }
        i = 0;
        for (String bucket : update.staleRefusals()) {
            names.put("#y" + i, bucket);
            remove.add("#usage.#refusals.#y" + i++);
        }
        String expression = ((set.isEmpty() ? "" : "SET " + String.join(", ", set))
                + (remove.isEmpty() ? "" : " REMOVE " + String.join(", ", remove))).strip();
        Map<String, AttributeValue> item;
        try {
            item = dynamoDb.updateItem(request -> request.tableName(tableName).key(key)
                    .updateExpression(expression)
                    .conditionExpression("attribute_exists(pk) AND (attribute_not_exists(#usage.#writeId) OR #usage.#writeId <> :writeId)")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).attributes();
        } catch (ConditionalCheckFailedException e) {
            if (!e.hasItem() || e.item().isEmpty()) {
                throw e; // the token is gone
            }
            item = e.item(); // a retry of this very write, which had landed
        }
        AttributeValue usage = item.get(TokenUsageAttribute.NAME);
        return Optional.of(usage == null ? TokenUsage.NONE : TokenUsageAttribute.INSTANCE.transformTo(usage));
    }

    private void createUsageMaps(Map<String, AttributeValue> key) {
        dynamoDb.updateItem(request -> request.tableName(tableName).key(key)
                .updateExpression("SET #usage = if_not_exists(#usage, :empty)")
                .conditionExpression("attribute_exists(pk)")
                .expressionAttributeNames(Map.of("#usage", TokenUsageAttribute.NAME))
                .expressionAttributeValues(Map.of(":empty", TokenUsageAttribute.empty())));
    }

    /** DynamoDB refuses to set a path inside a map the item does not have yet. */
    private static boolean isMissingUsageMaps(DynamoDbException e) {
        return e.awsErrorDetails() != null && "ValidationException".equals(e.awsErrorDetails().errorCode())
                && e.getMessage() != null && e.getMessage().contains("document path");
    }

    private static String failureKey(String source, long failureWindow) {
        return "LOGIN-FAILURES#" + source + "#" + failureWindow;
    }
}
