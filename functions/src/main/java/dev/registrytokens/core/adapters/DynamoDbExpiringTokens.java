package dev.registrytokens.core.adapters;

import dev.registrytokens.core.ExpiringTokens;
import dev.registrytokens.core.TokenRecord;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The token items that have an expiry, from a Scan of the table that returns only their namespace, id and expiry (so
 * no login item, and never a MAC, leaves DynamoDB). Strongly consistent, page after page.
 */
public final class DynamoDbExpiringTokens implements ExpiringTokens {
    private final DynamoDbClient dynamoDb;
    private final String tableName;

    public DynamoDbExpiringTokens(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
    }

    @Override
    public List<TokenRecord> all() {
        try {
            return dynamoDb.scanPaginator(request -> request.tableName(tableName).consistentRead(true)
                            .filterExpression("begins_with(pk, :namespaces) AND begins_with(sk, :tokens) AND attribute_exists(expiresAt)")
                            .projectionExpression("pk, sk, id, #namespace, expiresAt")
                            .expressionAttributeNames(Map.of("#namespace", "namespace"))
                            .expressionAttributeValues(Map.of(
                                    ":namespaces", AttributeValue.fromS(TokenRecord.partitionKey("")),
                                    ":tokens", AttributeValue.fromS(TokenRecord.sortKey("")))))
                    .items().stream()
                    .map(item -> new TokenRecord.Builder().pk(item.get("pk").s()).sk(item.get("sk").s()).id(item.get("id").s())
                            .namespace(item.get("namespace").s()).expiresAt(Long.parseLong(item.get("expiresAt").n())).build())
                    .toList();
        } catch (SdkException e) {
            throw DependencyFailures.unavailable("The token table", e);
        }
    }
}
