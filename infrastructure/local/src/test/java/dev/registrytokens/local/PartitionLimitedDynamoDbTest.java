package dev.registrytokens.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;

/** The fleet model's DynamoDB stand-in: units charged per item and second, throttled as DynamoDB throttles, conditions kept. */
class PartitionLimitedDynamoDbTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final Map<String, AttributeValue> HOT = key("USERNAME#hot");
    private static final Map<String, AttributeValue> COOL = key("USERNAME#cool");

    private final PartitionLimitedDynamoDb dynamoDb = new PartitionLimitedDynamoDb(Clock.fixed(NOW, ZoneOffset.UTC));

    private static Map<String, AttributeValue> key(String value) {
        return Map.of("pk", AttributeValue.fromS(value), "sk", AttributeValue.fromS(value));
    }

    @SafeVarargs
    private BatchGetItemResponse read(boolean consistent, Map<String, AttributeValue>... keys) {
        return dynamoDb.batchGetItem(request -> request.requestItems(Map.of("table",
                KeysAndAttributes.builder().keys(keys).consistentRead(consistent).build())));
    }

    @Test
    void anItemServes3000StronglyConsistentReadsInASecondThenItsKeysComeBackUnprocessed() {
        dynamoDb.put(HOT);
        dynamoDb.put(COOL);
        for (int i = 0; i < 3000; i++) {
            assertEquals(1, read(true, HOT).responses().get("table").size());
        }
        BatchGetItemResponse throttledOne = read(true, HOT, COOL);
        assertEquals(List.of(HOT), throttledOne.unprocessedKeys().get("table").keys());
        assertEquals(1, throttledOne.responses().get("table").size(), "the other item was read");
        assertThrows(ProvisionedThroughputExceededException.class, () -> read(true, HOT), "none of its keys could be read");
        assertEquals(2, dynamoDb.loads().get("USERNAME#hot|USERNAME#hot").throttledReads);
    }

    @Test
    void eventuallyConsistentReadsCostHalf() {
        dynamoDb.put(HOT);
        for (int i = 0; i < 6000; i++) {
            read(false, HOT);
        }
        assertThrows(ProvisionedThroughputExceededException.class, () -> read(false, HOT));
    }

    @Test
    void writesPastAThousandUnitsAreThrottledAndFailedConditionsCostAUnitToo() {
        for (int i = 0; i < 10; i++) {
            dynamoDb.updateItem(request -> request.tableName("table").key(HOT)
                    .updateExpression("ADD #failures :one SET #expiresAt = :end")
                    .conditionExpression("attribute_not_exists(#failures) OR #failures < :limit")
                    .expressionAttributeNames(Map.of("#failures", "failures", "#expiresAt", "expiresAt"))
                    .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"), ":limit", AttributeValue.fromN("10"),
                            ":end", AttributeValue.fromN("99"))));
        }
        assertEquals("10", dynamoDb.item(HOT).get("failures").n());
        assertEquals("99", dynamoDb.item(HOT).get("expiresAt").n());
        for (int i = 0; i < 990; i++) {
            assertThrows(ConditionalCheckFailedException.class, () -> dynamoDb.updateItem(request -> request.tableName("table").key(HOT)
                    .updateExpression("ADD #failures :one")
                    .conditionExpression("#failures < :limit")
                    .expressionAttributeNames(Map.of("#failures", "failures"))
                    .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"), ":limit", AttributeValue.fromN("10")))));
        }
        assertThrows(ProvisionedThroughputExceededException.class, () -> dynamoDb.updateItem(request -> request.tableName("table").key(HOT)
                .updateExpression("SET #lastUsedAt = :at")
                .conditionExpression("attribute_exists(pk) AND (attribute_not_exists(#lastUsedAt) OR #lastUsedAt < :at)")
                .expressionAttributeNames(Map.of("#lastUsedAt", "lastUsedAt"))
                .expressionAttributeValues(Map.of(":at", AttributeValue.fromS("2026-03-01T10:00:00Z")))));
        assertTrue(!dynamoDb.item(HOT).containsKey("lastUsedAt"), "a throttled write changes nothing");
        assertEquals(1000, dynamoDb.loads().get("USERNAME#hot|USERNAME#hot").peak(1, Long.MIN_VALUE, Long.MAX_VALUE));
    }
}
