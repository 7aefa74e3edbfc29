package dev.registrytokens.registry;

import dev.registrytokens.core.adapters.DependencyFailures;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/**
 * The signing key's certificate, kept as one item of the token table ({@code CERTIFICATE#registry}, no TTL):
 * written at deployment by the certificate issuer, read by {@code GET /certs.pem}.
 */
public final class CertificateStore {
    private static final String KEY = "CERTIFICATE#registry";
    private static final String PEM = "pem";

    private final DynamoDbClient dynamoDb;
    private final String tableName;

    public CertificateStore(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
    }

    /** Stores the certificate, replacing any earlier one. */
    public void save(String certificatePem) {
        try {
            dynamoDb.putItem(request -> request.tableName(tableName).item(Map.of(
                    "pk", AttributeValue.fromS(KEY), "sk", AttributeValue.fromS(KEY), PEM, AttributeValue.fromS(certificatePem))));
        } catch (SdkClientException | DynamoDbException e) {
            throw DependencyFailures.unavailable("The token table", e);
        }
    }

    /** The stored certificate; empty until the stack's deployment has made one. */
    public Optional<String> find() {
        Map<String, AttributeValue> item;
        try {
            item = dynamoDb.getItem(request -> request.tableName(tableName)
                    .key(Map.of("pk", AttributeValue.fromS(KEY), "sk", AttributeValue.fromS(KEY)))).item();
        } catch (SdkClientException | DynamoDbException e) {
            throw DependencyFailures.unavailable("The token table", e);
        }
        return item == null || !item.containsKey(PEM) ? Optional.empty() : Optional.of(item.get(PEM).s());
    }
}
