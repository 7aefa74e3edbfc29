package dev.registrytokens.core.adapters;

import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primaryPartitionKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primarySortKey;

import dev.registrytokens.core.LoginRecord;
import dev.registrytokens.core.Permission;
import dev.registrytokens.core.TokenRecord;
import dev.registrytokens.core.TokenStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.enhanced.dynamodb.EnhancedType;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticImmutableTableSchema;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** How the records are items of the one table: their static schemas, and the keys of items with {@code pk = sk}. */
final class TableItems {
    /** A token's allowed sources: a list of CIDR strings; absent means anywhere. */
    private static final EnhancedType<List<String>> SOURCES = EnhancedType.listOf(String.class);

    static final TableSchema<TokenRecord> TOKEN = StaticImmutableTableSchema.builder(TokenRecord.class, TokenRecord.Builder.class)
            .newItemBuilder(TokenRecord.Builder::new, TokenRecord.Builder::build)
            .addAttribute(String.class, a -> a.name("pk").getter(TokenRecord::pk).setter(TokenRecord.Builder::pk).tags(primaryPartitionKey()))
            .addAttribute(String.class, a -> a.name("sk").getter(TokenRecord::sk).setter(TokenRecord.Builder::sk).tags(primarySortKey()))
            .addAttribute(String.class, a -> a.name("id").getter(TokenRecord::id).setter(TokenRecord.Builder::id))
            .addAttribute(String.class, a -> a.name("namespace").getter(TokenRecord::namespace).setter(TokenRecord.Builder::namespace))
            .addAttribute(String.class, a -> a.name("createdBy").getter(TokenRecord::createdBy).setter(TokenRecord.Builder::createdBy))
            .addAttribute(String.class, a -> a.name("name").getter(TokenRecord::name).setter(TokenRecord.Builder::name))
            .addAttribute(String.class, a -> a.name("username").getter(TokenRecord::username).setter(TokenRecord.Builder::username))
            .addAttribute(String.class, a -> a.name("description").getter(TokenRecord::description).setter(TokenRecord.Builder::description))
            .addAttribute(Permission.class, a -> a.name("permission").getter(TokenRecord::permission).setter(TokenRecord.Builder::permission))
            .addAttribute(RepositoryRulesAttribute.TYPE, a -> a.name("repositories").getter(TokenRecord::repositories)
                    .setter(TokenRecord.Builder::repositories).attributeConverter(RepositoryRulesAttribute.INSTANCE))
            .addAttribute(TokenStatus.class, a -> a.name("status").getter(TokenRecord::status).setter(TokenRecord.Builder::status))
            .addAttribute(Long.class, a -> a.name("expiresAt").getter(TokenRecord::expiresAt).setter(TokenRecord.Builder::expiresAt))
            .addAttribute(Instant.class, a -> a.name("createdAt").getter(TokenRecord::createdAt).setter(TokenRecord.Builder::createdAt))
            .addAttribute(Instant.class, a -> a.name("updatedAt").getter(TokenRecord::updatedAt).setter(TokenRecord.Builder::updatedAt))
            .addAttribute(Instant.class, a -> a.name("lastUsedAt").getter(TokenRecord::lastUsedAt).setter(TokenRecord.Builder::lastUsedAt))
            .addAttribute(Long.class, a -> a.name("version").getter(TokenRecord::version).setter(TokenRecord.Builder::version))
            .addAttribute(SOURCES, a -> a.name("allowedSources").getter(TokenRecord::allowedSources).setter(TokenRecord.Builder::allowedSources))
            .addAttribute(Instant.class, a -> a.name("previousSecretExpiresAt").getter(TokenRecord::previousSecretExpiresAt)
                    .setter(TokenRecord.Builder::previousSecretExpiresAt))
            .build();

    static final TableSchema<LoginRecord> LOGIN = StaticImmutableTableSchema.builder(LoginRecord.class, LoginRecord.Builder.class)
            .newItemBuilder(LoginRecord.Builder::new, LoginRecord.Builder::build)
            .addAttribute(String.class, a -> a.name("pk").getter(LoginRecord::pk).setter(LoginRecord.Builder::pk).tags(primaryPartitionKey()))
            .addAttribute(String.class, a -> a.name("sk").getter(LoginRecord::sk).setter(LoginRecord.Builder::sk).tags(primarySortKey()))
            .addAttribute(String.class, a -> a.name("tokenId").getter(LoginRecord::tokenId).setter(LoginRecord.Builder::tokenId))
            .addAttribute(String.class, a -> a.name("accountId").getter(LoginRecord::legacyAccountId).setter(LoginRecord.Builder::legacyAccountId))
            .addAttribute(String.class, a -> a.name("namespace").getter(LoginRecord::namespace).setter(LoginRecord.Builder::namespace))
            .addAttribute(Permission.class, a -> a.name("permission").getter(LoginRecord::permission).setter(LoginRecord.Builder::permission))
            .addAttribute(RepositoryRulesAttribute.TYPE, a -> a.name("repositories").getter(LoginRecord::repositories)
                    .setter(LoginRecord.Builder::repositories).attributeConverter(RepositoryRulesAttribute.INSTANCE))
            .addAttribute(TokenStatus.class, a -> a.name("status").getter(LoginRecord::status).setter(LoginRecord.Builder::status))
            .addAttribute(Long.class, a -> a.name("expiresAt").getter(LoginRecord::expiresAt).setter(LoginRecord.Builder::expiresAt))
            .addAttribute(byte[].class, a -> a.name("mac").getter(LoginRecord::mac).setter(LoginRecord.Builder::mac))
            .addAttribute(Long.class, a -> a.name("version").getter(LoginRecord::version).setter(LoginRecord.Builder::version))
            .addAttribute(SOURCES, a -> a.name("allowedSources").getter(LoginRecord::allowedSources).setter(LoginRecord.Builder::allowedSources))
            .addAttribute(byte[].class, a -> a.name("previousMac").getter(LoginRecord::previousMac).setter(LoginRecord.Builder::previousMac))
            .addAttribute(Instant.class, a -> a.name("previousMacExpiresAt").getter(LoginRecord::previousMacExpiresAt)
                    .setter(LoginRecord.Builder::previousMacExpiresAt))
            .build();

    private TableItems() {
    }

    /** The key of an item whose partition and sort keys are the same value (login records, failure counters). */
    static Map<String, AttributeValue> key(String value) {
        return Map.of("pk", AttributeValue.fromS(value), "sk", AttributeValue.fromS(value));
    }

    static Map<String, AttributeValue> loginKey(String username) {
        return key(LoginRecord.key(username));
    }

    static Map<String, AttributeValue> tokenKey(String partition, String tokenId) {
        return Map.of("pk", AttributeValue.fromS(partition), "sk", AttributeValue.fromS(TokenRecord.sortKey(tokenId)));
    }
}
