package dev.registrytokens.migration;

import dev.registrytokens.aws.AwsClients;
import dev.registrytokens.aws.CustomResourceHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The template's {@code Custom::TokenMigration}, run by CloudFormation on stack create and on each update that changes
 * its {@code Layout} property: moves tokens still in the first layout (under their creator's account) to their
 * namespace ({@link LegacyLayoutMigration}). Idempotent, so a run that failed or stopped can simply run again.
 */
public class TokenMigrationHandler extends CustomResourceHandler {
    /** The template's AuditRetentionDays default, for a resource that names none. */
    private static final String DEFAULT_AUDIT_RETENTION_DAYS = "400";

    private final DynamoDbClient dynamoDb;

    public TokenMigrationHandler() {
        this(AwsClients.dynamoDbForDeployment());
    }

    TokenMigrationHandler(DynamoDbClient dynamoDb) {
        super("token-layout-migration");
        this.dynamoDb = dynamoDb;
    }

    /** What Create and Update do; local provisioning calls it too, playing CloudFormation's part. */
    public static LegacyLayoutMigration.Result migrate(DynamoDbClient dynamoDb, Map<String, Object> resourceProperties) {
        Object retentionDays = resourceProperties.getOrDefault("AuditRetentionDays", DEFAULT_AUDIT_RETENTION_DAYS);
        return new LegacyLayoutMigration(dynamoDb, requiredProperty(resourceProperties, "TableName"), Clock.systemUTC(),
                Duration.ofDays(Long.parseLong(retentionDays.toString()))).migrateAll();
    }

    @Override
    protected Object apply(Map<String, Object> resourceProperties) {
        return migrate(dynamoDb, resourceProperties);
    }
}
