package dev.registrytokens.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.registrytokens.testkit.AwsEmulator;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.IdempotentParameterMismatchException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The emulator answers a repeated transaction as DynamoDB does: the SDK retries a TransactWriteItems whose answer it
 * lost (an attempt timeout) with the same ClientRequestToken, and DynamoDB answers success without writing again, so
 * a create that committed is never reported as a conflict with itself.
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
}
