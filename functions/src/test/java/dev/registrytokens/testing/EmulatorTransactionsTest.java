package dev.registrytokens.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.registrytokens.testkit.AwsEmulator;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.IdempotentParameterMismatchException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The emulator answers a repeated transaction as DynamoDB does: the SDK retries a TransactWriteItems whose answer it
 * lost (an attempt timeout) with the same ClientRequestToken, and DynamoDB answers success without writing again, so
 * a create that committed is never reported as a conflict with itself. A cancelled transaction leaves every item it
 * named as it was (the emulator backs up those items, not the table).
 */
@Tag("machine")
class EmulatorTransactionsTest {
    private final DynamoDbClient dynamoDb = AwsEmulator.stack().dynamoDb();

    private TransactWriteItem createOnce(String key) {
        return TransactWriteItem.builder().put(Put.builder().tableName(AwsEmulator.stack().tableName())
                .item(Map.of("pk", AttributeValue.fromS(key), "sk", AttributeValue.fromS(key),
                        "mac", AttributeValue.fromB(software.amazon.awssdk.core.SdkBytes.fromUtf8String(key))))
                .conditionExpression("attribute_not_exists(pk)").build()).build();
    }

    @Test
    void aTransactionRepeatedWithItsTokenSucceedsWithoutWritingAgainAndAnotherTokenConflicts() {
        String key = "EMULATOR#" + UUID.randomUUID();
        String token = UUID.randomUUID().toString();
        dynamoDb.transactWriteItems(request -> request.transactItems(createOnce(key)).clientRequestToken(token));
        dynamoDb.transactWriteItems(request -> request.transactItems(createOnce(key)).clientRequestToken(token));
        assertThrows(TransactionCanceledException.class,
                () -> dynamoDb.transactWriteItems(request -> request.transactItems(createOnce(key)).clientRequestToken(UUID.randomUUID().toString())));
        assertThrows(IdempotentParameterMismatchException.class,
                () -> dynamoDb.transactWriteItems(request -> request.transactItems(createOnce(key + "-other")).clientRequestToken(token)));
        assertEquals(1, dynamoDb.scan(request -> request.tableName(AwsEmulator.stack().tableName())
                .filterExpression("pk = :key").expressionAttributeValues(Map.of(":key", AttributeValue.fromS(key)))).count());
    }

    @Test
    void aCancelledTransactionLeavesTheItemsItPutUpdatedAndDeletedAsTheyWere() {
        String table = AwsEmulator.stack().tableName();
        String prefix = "EMULATOR#" + UUID.randomUUID();
        Map<String, AttributeValue> updated = key(prefix + "-updated");
        Map<String, AttributeValue> deleted = key(prefix + "-deleted");
        Map<String, AttributeValue> added = key(prefix + "-added");
        dynamoDb.putItem(request -> request.tableName(table).item(with(updated, "before")));
        dynamoDb.putItem(request -> request.tableName(table).item(with(deleted, "before")));

        assertThrows(TransactionCanceledException.class, () -> dynamoDb.transactWriteItems(request -> request.transactItems(
                TransactWriteItem.builder().put(Put.builder().tableName(table).item(with(added, "new")).build()).build(),
                TransactWriteItem.builder().update(Update.builder().tableName(table).key(updated)
                        .updateExpression("SET note = :after").expressionAttributeValues(Map.of(":after", AttributeValue.fromS("after"))).build()).build(),
                TransactWriteItem.builder().delete(Delete.builder().tableName(table).key(deleted).build()).build(),
                TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(table).key(key(prefix + "-absent"))
                        .conditionExpression("attribute_exists(pk)").build()).build())));

        assertEquals(with(updated, "before"), dynamoDb.getItem(request -> request.tableName(table).key(updated).consistentRead(true)).item());
        assertEquals(with(deleted, "before"), dynamoDb.getItem(request -> request.tableName(table).key(deleted).consistentRead(true)).item());
        assertFalse(dynamoDb.getItem(request -> request.tableName(table).key(added).consistentRead(true)).hasItem());
    }

    private static Map<String, AttributeValue> key(String pk) {
        return Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(pk));
    }

    private static Map<String, AttributeValue> with(Map<String, AttributeValue> key, String note) {
        return Map.of("pk", key.get("pk"), "sk", key.get("sk"), "note", AttributeValue.fromS(note));
    }
}
