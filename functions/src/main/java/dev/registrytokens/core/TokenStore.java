package dev.registrytokens.core;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.GetItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.Page;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactDeleteItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactPutItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactWriteItemsEnhancedRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The one DynamoDB table: each token is a {@link TokenRecord} (under its account) and a {@link LoginRecord}
 * (under its username), always written together in one conditional transaction.
 */
public final class TokenStore {
    private static final int MAX_TRANSACTION_ATTEMPTS = 3;
    private static final Expression ITEM_ABSENT = Expression.builder().expression("attribute_not_exists(pk)").build();

    private final DynamoDbTable<TokenRecord> tokens;
    private final DynamoDbTable<LoginRecord> logins;
    private final DynamoDbEnhancedClient enhanced;

    public TokenStore(DynamoDbClient dynamoDb, String tableName) {
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

    /** Writes a new token; fails with {@link ConditionFailed} if its username (or id) is taken. */
    public void create(TokenRecord token, LoginRecord login) {
        transact(TransactWriteItemsEnhancedRequest.builder()
                .addPutItem(tokens, TransactPutItemEnhancedRequest.builder(TokenRecord.class)
                        .item(token).conditionExpression(ITEM_ABSENT).build())
                .addPutItem(logins, TransactPutItemEnhancedRequest.builder(LoginRecord.class)
                        .item(login).conditionExpression(ITEM_ABSENT).build())
                .build());
    }

    /** Replaces both records, if both are still at {@code expectedVersion}. */
    public void replace(TokenRecord token, LoginRecord login, long expectedVersion) {
        Expression atVersion = atVersion(expectedVersion);
        transact(TransactWriteItemsEnhancedRequest.builder()
                .addPutItem(tokens, TransactPutItemEnhancedRequest.builder(TokenRecord.class)
                        .item(token).conditionExpression(atVersion).build())
                .addPutItem(logins, TransactPutItemEnhancedRequest.builder(LoginRecord.class)
                        .item(login).conditionExpression(atVersion).build())
                .build());
    }

    /** Deletes both records, if both are still at {@code expectedVersion}; this frees the username. */
    public void delete(TokenRecord token, long expectedVersion) {
        Expression atVersion = atVersion(expectedVersion);
        String loginKey = LoginRecord.key(token.username());
        transact(TransactWriteItemsEnhancedRequest.builder()
                .addDeleteItem(tokens, TransactDeleteItemEnhancedRequest.builder()
                        .key(Key.builder().partitionValue(token.pk()).sortValue(token.sk()).build())
                        .conditionExpression(atVersion).build())
                .addDeleteItem(logins, TransactDeleteItemEnhancedRequest.builder()
                        .key(Key.builder().partitionValue(loginKey).sortValue(loginKey).build())
                        .conditionExpression(atVersion).build())
                .build());
    }

    public Optional<TokenRecord> findToken(String accountId, String tokenId) {
        Key key = Key.builder().partitionValue(TokenRecord.partitionKey(accountId)).sortValue(TokenRecord.sortKey(tokenId)).build();
        return Optional.ofNullable(read(() -> tokens.getItem(GetItemEnhancedRequest.builder().key(key).consistentRead(true).build())));
    }

    /**
     * The login record for a username, read strongly consistent so that a reset, disable or delete
     * takes effect on the very next login.
     */
    public Optional<LoginRecord> findLogin(String username) {
        String loginKey = LoginRecord.key(username);
        Key key = Key.builder().partitionValue(loginKey).sortValue(loginKey).build();
        return Optional.ofNullable(read(() -> logins.getItem(GetItemEnhancedRequest.builder().key(key).consistentRead(true).build())));
    }

    /** Up to {@code limit} of an account's tokens, newest first, starting after the token {@code afterId}. */
    public List<TokenRecord> listTokens(String accountId, int limit, String afterId) {
        QueryEnhancedRequest.Builder query = QueryEnhancedRequest.builder()
                .queryConditional(QueryConditional.sortBeginsWith(Key.builder()
                        .partitionValue(TokenRecord.partitionKey(accountId)).sortValue(TokenRecord.sortKey("")).build()))
                .scanIndexForward(false)
                .consistentRead(true)
                .limit(limit);
        if (afterId != null) {
            query.exclusiveStartKey(Map.of(
                    "pk", AttributeValue.fromS(TokenRecord.partitionKey(accountId)),
                    "sk", AttributeValue.fromS(TokenRecord.sortKey(afterId))));
        }
        Page<TokenRecord> page = read(() -> tokens.query(query.build()).iterator().next());
        return page.items();
    }

    private static Expression atVersion(long expectedVersion) {
        return Expression.builder()
                .expression("#version = :expectedVersion")
                .putExpressionName("#version", "version")
                .putExpressionValue(":expectedVersion", AttributeValue.fromN(Long.toString(expectedVersion)))
                .build();
    }

    private void transact(TransactWriteItemsEnhancedRequest request) {
        for (int attempt = 1; ; attempt++) {
            try {
                enhanced.transactWriteItems(request);
                return;
            } catch (TransactionCanceledException e) {
                if (hasReason(e, "ConditionalCheckFailed")) {
                    throw new ConditionFailed();
                }
                // A concurrent transaction on the same items: its conditions are evaluated afresh on a retry.
                if (!hasReason(e, "TransactionConflict") || attempt == MAX_TRANSACTION_ATTEMPTS) {
                    throw ApiException.serviceUnavailable("The token table");
                }
            } catch (SdkClientException | DynamoDbException e) {
                throw ApiException.serviceUnavailable("The token table");
            }
        }
    }

    private static boolean hasReason(TransactionCanceledException e, String code) {
        return e.hasCancellationReasons() && e.cancellationReasons().stream().anyMatch(reason -> code.equals(reason.code()));
    }

    private static <T> T read(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (SdkClientException | DynamoDbException e) {
            throw ApiException.serviceUnavailable("The token table");
        }
    }
}
