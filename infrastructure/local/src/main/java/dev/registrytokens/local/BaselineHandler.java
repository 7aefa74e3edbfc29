package dev.registrytokens.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The cold-start benchmark's yardstick, never deployed: the least a Java function that reads DynamoDB does. A
 * default SDK client (default region, credentials and HTTP client lookups) and one GetItem per invocation.
 */
public class BaselineHandler implements RequestHandler<Map<String, Object>, String> {
    private static final DynamoDbClient DYNAMO_DB = DynamoDbClient.create();

    @Override
    public String handleRequest(Map<String, Object> event, Context context) {
        String key = "NAMESPACE#baseline"; // within the lent role's dynamodb:LeadingKeys
        return DYNAMO_DB.getItem(request -> request.tableName(System.getenv("TABLE_NAME"))
                .key(Map.of("pk", AttributeValue.fromS(key), "sk", AttributeValue.fromS(key)))).hasItem() ? "found" : "absent";
    }
}
