package dev.registrytokens.migration;

import dev.registrytokens.aws.AwsClients;
import dev.registrytokens.core.AuditAction;
import dev.registrytokens.core.AuditRecord;
import dev.registrytokens.core.Backoff;
import dev.registrytokens.core.DomainException;
import dev.registrytokens.core.LoginRecord;
import dev.registrytokens.core.Membership;
import dev.registrytokens.core.Role;
import dev.registrytokens.core.TokenIds;
import dev.registrytokens.core.TokenRecord;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Moves tokens from the first layout, where each lived under its creator ({@code ACCOUNT#<sub>/TOKEN#<id>}), to the
 * namespace's partition ({@code NAMESPACE#<namespace>/TOKEN#<id>}, with {@code createdBy} = that sub). Each token moves
 * in one transaction: the new item is put (if absent), the old one deleted (if unchanged), and its login item loses the
 * legacy account id (so registry logins record their use at the new place) and gets its replicas. A run that stops anywhere leaves every
 * token in exactly one place, and running it again moves what is left; a token already moved is not touched.
 * Registry logins work throughout: they read only the login item, which the move keeps.
 */
public final class LegacyLayoutMigration {
    private static final int MAX_ATTEMPTS_PER_TOKEN = 3;

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final Clock clock;
    private final Duration auditRetention;

    /** Each move is audited ({@code migrate}, by {@code system}) in its transaction, the record kept {@code auditRetention}. */
    public LegacyLayoutMigration(DynamoDbClient dynamoDb, String tableName, Clock clock, Duration auditRetention) {
        this.clock = clock;
        this.auditRetention = auditRetention;
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
    }

    /** What a run did: tokens it moved, and tokens another run (or a concurrent change) had moved or removed first. */
    public record Result(int moved, int skipped) {
    }

    /** Scans the table for tokens in the first layout and moves each one. */
    public Result migrateAll() {
        int moved = 0;
        int skipped = 0;
        Map<String, AttributeValue> startKey = null;
        do {
            Map<String, AttributeValue> from = startKey;
            ScanResponse page = dynamoDb.scan(request -> request.tableName(tableName)
                    .consistentRead(true)
                    .filterExpression("begins_with(pk, :legacy) AND begins_with(sk, :token)")
                    .expressionAttributeValues(Map.of(":legacy", AttributeValue.fromS(TokenRecord.LEGACY_PARTITION_PREFIX),
                            ":token", AttributeValue.fromS(TokenRecord.sortKey(""))))
                    .exclusiveStartKey(from));
            for (Map<String, AttributeValue> item : page.items()) {
                if (move(item)) {
                    moved++;
                } else {
                    skipped++;
                }
            }
            startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (startKey != null);
        return new Result(moved, skipped);
    }

    /** Moves one token; false if it was gone from the first layout before this could move it. */
    private boolean move(Map<String, AttributeValue> legacy) {
        Map<String, AttributeValue> current = legacy;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS_PER_TOKEN; attempt++) {
            List<TransactWriteItem> move = moveOf(current);
            try {
                dynamoDb.transactWriteItems(request -> request.transactItems(move));
                return true;
            } catch (TransactionCanceledException e) {
                Map<String, AttributeValue> reread = dynamoDb.getItem(request -> request.tableName(tableName)
                        .key(keyOf(legacy)).consistentRead(true)).item();
                if (reread == null || reread.isEmpty()) {
                    return false;
                }
                current = reread; // changed while this ran (or its login item did): move what it is now
                Backoff.pause(attempt);
            }
        }
        throw DomainException.Unavailable.dependency("The token table", "conflict (the token kept changing while it was moved)");
    }

    private List<TransactWriteItem> moveOf(Map<String, AttributeValue> legacy) {
        String tokenId = legacy.get("id").s();
        String namespace = legacy.get("namespace").s();
        Map<String, AttributeValue> moved = new HashMap<>(legacy);
        moved.remove("accountId");
        moved.put("createdBy", legacy.get("accountId"));
        moved.put("pk", AttributeValue.fromS(TokenRecord.partitionKey(namespace)));
        Map<String, AttributeValue> loginKey = Map.of(
                "pk", AttributeValue.fromS(LoginRecord.key(legacy.get("username").s())),
                "sk", AttributeValue.fromS(LoginRecord.key(legacy.get("username").s())));
        Map<String, AttributeValue> login = dynamoDb.getItem(request -> request.tableName(tableName).key(loginKey).consistentRead(true)).item();
        boolean ownsLogin = login != null && login.containsKey("tokenId") && tokenId.equals(login.get("tokenId").s());
        Map<String, AttributeValue> id = Map.of(":tokenId", AttributeValue.fromS(tokenId));
        List<TransactWriteItem> move = new ArrayList<>(List.of(
                TransactWriteItem.builder().put(Put.builder().tableName(tableName).item(moved)
                        .conditionExpression("attribute_not_exists(pk)").build()).build(),
                TransactWriteItem.builder().delete(Delete.builder().tableName(tableName).key(keyOf(legacy))
                        .conditionExpression("#version = :version")
                        .expressionAttributeNames(Map.of("#version", "version"))
                        .expressionAttributeValues(Map.of(":version", legacy.get("version"))).build()).build()));
        if (ownsLogin) {
            // The token's login item: it stops naming the old place, unless it changed since it was read here.
            move.add(TransactWriteItem.builder().update(Update.builder().tableName(tableName).key(loginKey)
                    .updateExpression("REMOVE accountId").conditionExpression("tokenId = :tokenId AND #version = :version")
                    .expressionAttributeNames(Map.of("#version", "version"))
                    .expressionAttributeValues(Map.of(":tokenId", AttributeValue.fromS(tokenId), ":version", login.get("version")))
                    .build()).build());
            // Its replicas (LoginRecord.REPLICAS), which a token of the first layout has never had: the item as it is now.
            Map<String, AttributeValue> replica = new HashMap<>(login);
            replica.remove("accountId");
            for (int k = 1; k < LoginRecord.REPLICAS; k++) {
                String replicaKey = LoginRecord.replicaKey(legacy.get("username").s(), k);
                replica.put("pk", AttributeValue.fromS(replicaKey));
                replica.put("sk", AttributeValue.fromS(replicaKey));
                move.add(TransactWriteItem.builder().put(Put.builder().tableName(tableName).item(new HashMap<>(replica)).build()).build());
            }
        } else {
            // TTL removed it, or it is a newer token's: it stays as it is.
            move.add(TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(tableName).key(loginKey)
                    .conditionExpression("attribute_not_exists(pk) OR tokenId <> :tokenId")
                    .expressionAttributeValues(id).build()).build());
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        AuditRecord audit = new AuditRecord(TokenIds.newId(now, new SecureRandom()), namespace, AuditAction.MIGRATE, tokenId,
                legacy.get("name").s(), legacy.get("username").s(), Membership.SYSTEM_SUBJECT, Role.OWNER, null, null, null, now,
                List.of(), now.plus(auditRetention).getEpochSecond());
        move.addAll(AwsClients.auditWrites(tableName, audit));
        return move;
    }

    private static Map<String, AttributeValue> keyOf(Map<String, AttributeValue> item) {
        return Map.of("pk", item.get("pk"), "sk", item.get("sk"));
    }
}
