package dev.registrytokens.core.adapters;

import dev.registrytokens.core.AuditRecord;
import dev.registrytokens.core.Backoff;
import dev.registrytokens.core.DomainException;
import dev.registrytokens.core.LoginRecord;
import dev.registrytokens.core.NamespacePolicy;
import dev.registrytokens.core.SecretMacs;
import dev.registrytokens.core.TokenRecord;
import dev.registrytokens.core.TokenStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Consumer;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The token lifecycle in the one DynamoDB table, through the low-level client (the static schemas of
 * {@link TableItems} map records to items): a token's two records are always written in one conditional
 * transaction with the change's audit item and outbox entry (the login record with its replicas, {@link
 * LoginRecord#REPLICAS}: each replica gets the primary's write, its key swapped, without the primary's conditions), and
 * an update writes only what changed.
 */
public final class DynamoDbTokenStore implements TokenStore {
    private static final String TABLE = "The token table";
    private static final int MAX_TRANSACTION_ATTEMPTS = 3;
    /** What an edit, enable, disable or reset may change in each item; the rest is set once, at creation. */
    private static final List<String> TOKEN_ATTRIBUTES = List.of("description", "permission", "repositories", "status", "expiresAt", "updatedAt", "version",
            "disabledReason", "allowedSources", "previousSecretExpiresAt");
    private static final List<String> LOGIN_ATTRIBUTES = List.of("permission", "repositories", "status", "expiresAt", "mac", "version",
            "allowedSources", "previousMacExpiresAt");
    private static final String PREVIOUS_MAC = "previousMac";
    /** The table's index of login records by their secret's MAC (keys only), for leak reports. */
    static final String MAC_INDEX = "mac";
    /** The index of login records by the MAC a reset's grace still lets log in (keys only), for leak reports. */
    static final String PREVIOUS_MAC_INDEX = "previousMac";
    private static final Condition ITEM_ABSENT = new Condition("attribute_not_exists(pk)", Map.of(), Map.of());

    private final DynamoDbClient dynamoDb;
    private final String tableName;

    public DynamoDbTokenStore(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
    }

    /** A condition expression with its {@code #name} and {@code :value} placeholders. */
    private record Condition(String expression, Map<String, String> names, Map<String, AttributeValue> values) {
        /** A condition on one attribute, written with {@code #attribute} for its name and {@code :attribute} for the value. */
        static Condition on(String expression, String attribute, AttributeValue value) {
            return new Condition(expression, Map.of("#" + attribute, attribute), Map.of(":" + attribute, value));
        }

        Condition and(Condition other) {
            Map<String, String> names = new HashMap<>(this.names);
            names.putAll(other.names);
            Map<String, AttributeValue> values = new HashMap<>(this.values);
            values.putAll(other.values);
            return new Condition("(" + expression + ") AND (" + other.expression + ")", names, values);
        }
    }

    @Override
    public void create(TokenRecord token, LoginRecord login, Instant now, AuditRecord audit) {
        Map<String, AttributeValue> loginItem = TableItems.LOGIN.itemToMap(login, true);
        List<TransactWriteItem> writes = new ArrayList<>(List.of(put(TableItems.TOKEN.itemToMap(token, true), ITEM_ABSENT),
                put(loginItem, absentOrExpired(now))));
        // Unconditional: the primary's condition decides, and overwrites an expired record's replicas with it.
        forEachReplica(token.username(), key -> writes.add(putUnconditional(withKey(loginItem, key))));
        transact(withAudit(audit, writes));
    }

    /** The keys of the username's login replicas (not the primary). */
    private static void forEachReplica(String username, Consumer<Map<String, AttributeValue>> write) {
        for (int replica = 1; replica < LoginRecord.REPLICAS; replica++) {
            write.accept(TableItems.key(LoginRecord.replicaKey(username, replica)));
        }
    }

    private static Map<String, AttributeValue> withKey(Map<String, AttributeValue> item, Map<String, AttributeValue> key) {
        Map<String, AttributeValue> copy = new HashMap<>(item);
        copy.putAll(key);
        return copy;
    }

    /** The change's writes, then its audit item and outbox entry (each new: an id is never reused). */
    private List<TransactWriteItem> withAudit(AuditRecord audit, List<TransactWriteItem> change) {
        List<TransactWriteItem> items = new ArrayList<>(change);
        items.addAll(auditWrites(tableName, audit));
        return items;
    }

    /** A change's audit item and its event's outbox entry, each put only if new: what goes into the change's transaction. */
    public static List<TransactWriteItem> auditWrites(String tableName, AuditRecord audit) {
        return List.of(put(tableName, TableItems.auditItem(audit), ITEM_ABSENT), put(tableName, TableItems.outboxItem(audit), ITEM_ABSENT));
    }

    @Override
    public void update(TokenRecord current, TokenRecord next, byte[] newMac, Instant now, AuditRecord audit) {
        Condition unchanged = atVersion(current.version()).and(unexpired(now));
        Map<String, AttributeValue> tokenChanges = changedAttributes(TableItems.TOKEN, current, next, TOKEN_ATTRIBUTES);
        Map<String, AttributeValue> loginChanges = changedAttributes(TableItems.LOGIN,
                LoginRecord.of(current, null), LoginRecord.of(next, newMac), LOGIN_ATTRIBUTES);
        // A reset with a grace keeps the MAC it replaces (DynamoDB reads a SET's right-hand side from the item as it was);
        // a reset without one, or the end of a grace, removes it.
        boolean keepPreviousMac = newMac != null && next.previousSecretExpiresAt() != null;
        if (!keepPreviousMac && (newMac != null || (current.previousSecretExpiresAt() != null && next.previousSecretExpiresAt() == null))) {
            loginChanges.put(PREVIOUS_MAC, null);
        }
        Map<String, String> copies = keepPreviousMac ? Map.of(PREVIOUS_MAC, "mac") : Map.of();
        List<TransactWriteItem> writes = new ArrayList<>(List.of(
                TransactWriteItem.builder().update(update(tokenKey(current), tokenChanges, Map.of(), unchanged)).build(),
                TransactWriteItem.builder().update(update(TableItems.loginKey(current.username()), loginChanges, copies,
                        unchanged.and(ownedBy(current.id())))).build()));
        // The primary's changes, unconditionally: its conditions decide for all copies. A replica this makes (of a login
        // item from before replicas: only the changes, which refreshes pass over) expires with the token all the same.
        Map<String, AttributeValue> replicaChanges = new LinkedHashMap<>(loginChanges);
        if (!replicaChanges.containsKey("expiresAt") && next.expiresAt() != null) {
            replicaChanges.put("expiresAt", AttributeValue.fromN(Long.toString(next.expiresAt())));
        }
        forEachReplica(current.username(), key -> writes.add(TransactWriteItem.builder().update(update(key, replicaChanges, copies, null)).build()));
        transact(withAudit(audit, writes));
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

    /**
     * SET of each changed attribute with a value, REMOVE of each without, and SET of each of {@code copies}' attributes
     * to the stored value of the attribute it maps to, under the condition (null: none).
     */
    private Update update(Map<String, AttributeValue> key, Map<String, AttributeValue> changes, Map<String, String> copies,
                          Condition condition) {
        Map<String, String> names = new HashMap<>(condition == null ? Map.of() : condition.names());
        Map<String, AttributeValue> values = new HashMap<>(condition == null ? Map.of() : condition.values());
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
        copies.forEach((attribute, source) -> {
            names.put("#" + attribute, attribute);
            names.put("#" + source, source);
            set.add("#" + attribute + " = #" + source);
        });
        String expression = (set.isEmpty() ? "" : "SET " + String.join(", ", set))
                + (remove.isEmpty() ? "" : " REMOVE " + String.join(", ", remove));
        return Update.builder().tableName(tableName).key(key).updateExpression(expression.strip())
                .conditionExpression(condition == null ? null : condition.expression())
                .expressionAttributeNames(nullIfEmpty(names)).expressionAttributeValues(nullIfEmpty(values)).build();
    }

    @Override
    public void delete(TokenRecord token, long expectedVersion, AuditRecord audit) {
        Map<String, AttributeValue> loginKey = TableItems.loginKey(token.username());
        boolean ownsLogin = findLogin(token.username()).map(login -> token.id().equals(login.tokenId())).orElse(false);
        Condition tokenUnchanged = atVersion(expectedVersion);
        TransactWriteItem loginStep = ownsLogin
                ? TransactWriteItem.builder().delete(withCondition(Delete.builder().tableName(tableName).key(loginKey),
                        tokenUnchanged.and(ownedBy(token.id())))).build()
                : TransactWriteItem.builder().conditionCheck(withCondition(ConditionCheck.builder().tableName(tableName).key(loginKey),
                        notOwnedBy(token.id()))).build();
        List<TransactWriteItem> writes = new ArrayList<>(List.of(
                TransactWriteItem.builder().delete(withCondition(Delete.builder().tableName(tableName).key(tokenKey(token)),
                        tokenUnchanged)).build(),
                loginStep));
        if (ownsLogin) {
            forEachReplica(token.username(), key -> writes.add(TransactWriteItem.builder()
                    .delete(Delete.builder().tableName(tableName).key(key).build()).build()));
        }
        transact(withAudit(audit, writes));
    }

    @Override
    public Optional<TokenRecord> findToken(String namespace, String tokenId) {
        return find(TableItems.tokenKey(TokenRecord.partitionKey(namespace), tokenId)).map(TableItems.TOKEN::mapToItem);
    }

    @Override
    public Optional<LoginRecord> findLogin(String username) {
        return find(TableItems.loginKey(username)).map(TableItems.LOGIN::mapToItem);
    }

    /** An item by key, read strongly consistent so that a reset, disable or delete takes effect on the very next read. */
    private Optional<Map<String, AttributeValue>> find(Map<String, AttributeValue> key) {
        GetItemResponse response = read(() -> dynamoDb.getItem(request -> request.tableName(tableName).key(key).consistentRead(true)));
        return response.hasItem() && !response.item().isEmpty() ? Optional.of(response.item()) : Optional.empty();
    }

    @Override
    public List<TokenRecord> listTokens(String namespace, int limit, String afterId) {
        String partition = TokenRecord.partitionKey(namespace);
        var page = read(() -> dynamoDb.query(request -> request.tableName(tableName)
                .keyConditionExpression("#pk = :pk AND begins_with(#sk, :tokens)")
                .expressionAttributeNames(Map.of("#pk", "pk", "#sk", "sk"))
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(partition), ":tokens", AttributeValue.fromS(TokenRecord.sortKey(""))))
                .scanIndexForward(false)
                .consistentRead(true)
                .limit(limit)
                .exclusiveStartKey(afterId == null ? null : TableItems.tokenKey(partition, afterId))));
        return page.items().stream().map(TableItems.TOKEN::mapToItem).toList();
    }

    @Override
    public Optional<NamespacePolicy> findPolicy(String namespace) {
        return find(TableItems.policyKey(namespace)).map(TableItems.POLICY::mapToItem);
    }

    @Override
    public void putPolicy(NamespacePolicy policy, long expectedVersion) {
        Condition condition = expectedVersion == 0 ? ITEM_ABSENT : atVersion(expectedVersion);
        try {
            dynamoDb.putItem(request -> request.tableName(tableName).item(TableItems.POLICY.itemToMap(policy, true))
                    .conditionExpression(condition.expression()).expressionAttributeNames(nullIfEmpty(condition.names()))
                    .expressionAttributeValues(nullIfEmpty(condition.values())));
        } catch (ConditionalCheckFailedException e) {
            throw new ConditionFailed();
        } catch (SdkClientException | DynamoDbException e) {
            throw DependencyFailures.unavailable(TABLE, e);
        }
    }

    @Override
    public List<NamespacePolicy> listPolicies() {
        List<NamespacePolicy> policies = new ArrayList<>();
        Map<String, AttributeValue> after = null;
        do {
            Map<String, AttributeValue> start = after;
            var page = read(() -> dynamoDb.query(request -> request.tableName(tableName)
                    .keyConditionExpression("#pk = :pk")
                    .expressionAttributeNames(Map.of("#pk", "pk"))
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(NamespacePolicy.PARTITION)))
                    .exclusiveStartKey(start)));
            page.items().stream().map(TableItems.POLICY::mapToItem).forEach(policies::add);
            after = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (after != null);
        return policies;
    }

    @Override
    public Optional<LoginRecord> findLoginByMac(byte[] mac, Instant now) {
        return findLoginByIndexedMac(MAC_INDEX, mac, login -> login.mac())
                .or(() -> findLoginByIndexedMac(PREVIOUS_MAC_INDEX, mac, login -> login.previousMacAt(now)));
    }

    /** The login record whose {@code index}ed MAC attribute is {@code mac}; {@code macOf} says which MAC of the record counts. */
    private Optional<LoginRecord> findLoginByIndexedMac(String index, byte[] mac, Function<LoginRecord, byte[]> macOf) {
        String attribute = index.equals(MAC_INDEX) ? "mac" : PREVIOUS_MAC;
        var found = read(() -> dynamoDb.query(request -> request.tableName(tableName).indexName(index)
                .keyConditionExpression("#mac = :mac")
                .expressionAttributeNames(Map.of("#mac", attribute))
                .expressionAttributeValues(Map.of(":mac", AttributeValue.fromB(SdkBytes.fromByteArray(mac))))
                .limit(1)));
        if (found.items().isEmpty()) {
            return Optional.empty();
        }
        // The index lags its table: the login record read by key decides.
        return find(TableItems.key(found.items().getFirst().get("pk").s())).map(TableItems.LOGIN::mapToItem)
                .filter(login -> macOf.apply(login) != null && SecretMacs.sameMac(macOf.apply(login), mac));
    }

    private static Map<String, AttributeValue> tokenKey(TokenRecord token) {
        return Map.of("pk", AttributeValue.fromS(token.pk()), "sk", AttributeValue.fromS(token.sk()));
    }

    private TransactWriteItem putUnconditional(Map<String, AttributeValue> item) {
        return TransactWriteItem.builder().put(Put.builder().tableName(tableName).item(item).build()).build();
    }

    private TransactWriteItem put(Map<String, AttributeValue> item, Condition condition) {
        return put(tableName, item, condition);
    }

    private static TransactWriteItem put(String tableName, Map<String, AttributeValue> item, Condition condition) {
        return TransactWriteItem.builder().put(withCondition(Put.builder().tableName(tableName).item(item), condition)).build();
    }

    private static Put withCondition(Put.Builder put, Condition condition) {
        return put.conditionExpression(condition.expression()).expressionAttributeNames(nullIfEmpty(condition.names()))
                .expressionAttributeValues(nullIfEmpty(condition.values())).build();
    }

    private static Delete withCondition(Delete.Builder delete, Condition condition) {
        return delete.conditionExpression(condition.expression()).expressionAttributeNames(nullIfEmpty(condition.names()))
                .expressionAttributeValues(nullIfEmpty(condition.values())).build();
    }

    private static ConditionCheck withCondition(ConditionCheck.Builder check, Condition condition) {
        return check.conditionExpression(condition.expression()).expressionAttributeNames(nullIfEmpty(condition.names()))
                .expressionAttributeValues(nullIfEmpty(condition.values())).build();
    }

    /** DynamoDB refuses empty placeholder maps. */
    private static <K, V> Map<K, V> nullIfEmpty(Map<K, V> map) {
        return map.isEmpty() ? null : map;
    }

    private static Condition atVersion(long expectedVersion) {
        return Condition.on("#version = :version", "version", AttributeValue.fromN(Long.toString(expectedVersion)));
    }

    /** Absent, or expired: TTL deletes expired items only eventually, so an expired one counts as gone. */
    private static Condition absentOrExpired(Instant now) {
        return Condition.on("attribute_not_exists(pk) OR #expiresAt <= :expiresAt", "expiresAt", epochSeconds(now));
    }

    private static Condition unexpired(Instant now) {
        return Condition.on("attribute_not_exists(#expiresAt) OR #expiresAt > :expiresAt", "expiresAt", epochSeconds(now));
    }

    private static Condition ownedBy(String tokenId) {
        return Condition.on("#tokenId = :tokenId", "tokenId", AttributeValue.fromS(tokenId));
    }

    private static Condition notOwnedBy(String tokenId) {
        return Condition.on("attribute_not_exists(pk) OR #tokenId <> :tokenId", "tokenId", AttributeValue.fromS(tokenId));
    }

    private static AttributeValue epochSeconds(Instant instant) {
        return AttributeValue.fromN(Long.toString(instant.getEpochSecond()));
    }

    private void transact(List<TransactWriteItem> items) {
        for (int attempt = 1; ; attempt++) {
            try {
                dynamoDb.transactWriteItems(request -> request.transactItems(items));
                return;
            } catch (TransactionCanceledException e) {
                if (hasReason(e, "ConditionalCheckFailed")) {
                    throw new ConditionFailed();
                }
                // A concurrent transaction on the same items: its conditions are evaluated afresh on a retry.
                if (!hasReason(e, "TransactionConflict") || attempt == MAX_TRANSACTION_ATTEMPTS) {
                    throw DomainException.Unavailable.dependency(TABLE, hasReason(e, "TransactionConflict")
                            ? "conflict (transactions kept colliding)" : "error (transaction cancelled: " + reasons(e) + ")");
                }
                Backoff.pause(attempt);
            } catch (SdkClientException | DynamoDbException e) {
                throw DependencyFailures.unavailable(TABLE, e);
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

    private static <T> T read(Supplier<T> call) {
        try {
            return call.get();
        } catch (SdkClientException | DynamoDbException e) {
            throw DependencyFailures.unavailable(TABLE, e);
        }
    }
}
