package dev.registrytokens.core.adapters;

import dev.registrytokens.core.AuditRecord;
import dev.registrytokens.core.AuditStore;
import dev.registrytokens.core.TokenIds;
import dev.registrytokens.core.TokenRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The audit log and its outbox in the token table. A namespace's log is its partition's {@code AUDIT#<id>} items; the
 * outbox is one partition, {@code EVENT-OUTBOX}, of entries by audit id. No secondary index: every read is a strongly
 * consistent query.
 */
public final class DynamoDbAuditStore implements AuditStore {
    private static final String TABLE = "The token table";
    /** Items read per query while filtering one token's records out of its namespace's log. */
    private static final int FILTERED_PAGE = 100;
    /** Sorts after every id's characters (Crockford base32, lowercase): the end of the audit range. */
    private static final String AFTER_EVERY_ID = "~";

    private final DynamoDbClient dynamoDb;
    private final String tableName;

    public DynamoDbAuditStore(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
    }

    /**
     * One query of the namespace's audit range, newest first. With {@code tokenId}, the range starts at the token's
     * creation time (its id's time part: nothing happened to it before) and a filter keeps its records, so the query
     * reads only the namespace's records since the token was made, page after page until the page is full.
     */
    @Override
    public List<AuditRecord> listAudit(String namespace, int limit, String afterId, String tokenId) {
        String partition = TokenRecord.partitionKey(namespace);
        String from = AuditRecord.sortKey(tokenId == null ? "" : TokenIds.timePrefix(tokenId));
        QueryRequest.Builder query = QueryRequest.builder().tableName(tableName)
                .keyConditionExpression("#pk = :pk AND #sk BETWEEN :from AND :to")
                .scanIndexForward(false)
                .consistentRead(true);
        if (tokenId == null) {
            query.expressionAttributeNames(Map.of("#pk", "pk", "#sk", "sk"))
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(partition), ":from", AttributeValue.fromS(from),
                            ":to", AttributeValue.fromS(AuditRecord.sortKey(AFTER_EVERY_ID))))
                    .limit(limit);
        } else {
            query.filterExpression("#tokenId = :tokenId")
                    .expressionAttributeNames(Map.of("#pk", "pk", "#sk", "sk", "#tokenId", "tokenId"))
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(partition), ":from", AttributeValue.fromS(from),
                            ":to", AttributeValue.fromS(AuditRecord.sortKey(AFTER_EVERY_ID)), ":tokenId", AttributeValue.fromS(tokenId)))
                    .limit(Math.max(limit, FILTERED_PAGE));
        }
        Map<String, AttributeValue> start = afterId == null ? null
                : Map.of("pk", AttributeValue.fromS(partition), "sk", AttributeValue.fromS(AuditRecord.sortKey(afterId)));
        List<AuditRecord> found = new ArrayList<>();
        do {
            QueryRequest request = query.exclusiveStartKey(start).build();
            QueryResponse page = call(() -> dynamoDb.query(request));
            page.items().stream().map(TableItems.AUDIT::mapToItem).forEach(found::add);
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null && found.size() < limit);
        return found.subList(0, Math.min(limit, found.size()));
    }

    @Override
    public List<AuditRecord> pendingEvents(int limit) {
        QueryResponse page = call(() -> dynamoDb.query(request -> request.tableName(tableName)
                .keyConditionExpression("#pk = :pk")
                .expressionAttributeNames(Map.of("#pk", "pk"))
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(TableItems.OUTBOX_PARTITION)))
                .scanIndexForward(true)
                .consistentRead(true)
                .limit(limit)));
        return page.items().stream().map(TableItems.AUDIT::mapToItem).toList();
    }

    @Override
    public void eventPublished(AuditRecord record) {
        call(() -> dynamoDb.deleteItem(request -> request.tableName(tableName).key(TableItems.outboxKey(record.id()))));
    }

    private static <T> T call(Supplier<T> call) {
        try {
            return call.get();
        } catch (SdkClientException | DynamoDbException e) {
            throw DependencyFailures.unavailable(TABLE, e);
        }
    }
}
