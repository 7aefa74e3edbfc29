package dev.registrytokens.core.adapters;

import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primaryPartitionKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primarySortKey;

import dev.registrytokens.core.AuditAction;
import dev.registrytokens.core.AuditRecord;
import dev.registrytokens.core.LoginRecord;
import dev.registrytokens.core.Role;
import dev.registrytokens.core.NamespacePolicy;
import dev.registrytokens.core.Permission;
import dev.registrytokens.core.TokenRecord;
import dev.registrytokens.core.TokenStatus;
import dev.registrytokens.core.TokenUsage;
import java.time.Instant;
import java.util.HashMap;
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
            .addAttribute(String.class, a -> a.name("disabledReason").getter(TokenRecord::disabledReason).setter(TokenRecord.Builder::disabledReason))
            .addAttribute(TokenUsage.class, a -> a.name(TokenUsageAttribute.NAME).getter(TokenRecord::usage)
                    .setter(TokenRecord.Builder::usage).attributeConverter(TokenUsageAttribute.INSTANCE))
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

    /**
     * An audit record, under its namespace ({@code AUDIT#<id>}); its outbox entry is the same item under
     * {@link #OUTBOX_PARTITION} ({@link #outboxItem}). The keys are derived, so reading ignores them.
     */
    static final TableSchema<AuditRecord> AUDIT = StaticImmutableTableSchema.builder(AuditRecord.class, AuditRecord.Builder.class)
            .newItemBuilder(AuditRecord.Builder::new, AuditRecord.Builder::build)
            .addAttribute(String.class, a -> a.name("pk").getter(record -> TokenRecord.partitionKey(record.namespace()))
                    .setter((builder, key) -> { }).tags(primaryPartitionKey()))
            .addAttribute(String.class, a -> a.name("sk").getter(record -> AuditRecord.sortKey(record.id()))
                    .setter((builder, key) -> { }).tags(primarySortKey()))
            .addAttribute(String.class, a -> a.name("id").getter(AuditRecord::id).setter(AuditRecord.Builder::id))
            .addAttribute(String.class, a -> a.name("namespace").getter(AuditRecord::namespace).setter(AuditRecord.Builder::namespace))
            .addAttribute(String.class, a -> a.name("action").getter(record -> record.action().label())
                    .setter((builder, label) -> builder.action(AuditAction.ofLabel(label))))
            .addAttribute(String.class, a -> a.name("tokenId").getter(AuditRecord::tokenId).setter(AuditRecord.Builder::tokenId))
            .addAttribute(String.class, a -> a.name("tokenName").getter(AuditRecord::tokenName).setter(AuditRecord.Builder::tokenName))
            .addAttribute(String.class, a -> a.name("username").getter(AuditRecord::username).setter(AuditRecord.Builder::username))
            .addAttribute(String.class, a -> a.name("actorSub").getter(AuditRecord::actorSubject).setter(AuditRecord.Builder::actorSubject))
            .addAttribute(String.class, a -> a.name("actorRole").getter(record -> record.actorRole().label())
                    .setter((builder, label) -> builder.actorRole(Role.parse(label).orElseThrow())))
            .addAttribute(String.class, a -> a.name("sourceIp").getter(AuditRecord::sourceIp).setter(AuditRecord.Builder::sourceIp))
            .addAttribute(String.class, a -> a.name("userAgent").getter(AuditRecord::userAgent).setter(AuditRecord.Builder::userAgent))
            .addAttribute(String.class, a -> a.name("requestId").getter(AuditRecord::requestId).setter(AuditRecord.Builder::requestId))
            .addAttribute(Instant.class, a -> a.name("at").getter(AuditRecord::at).setter(AuditRecord.Builder::at))
            .addAttribute(FieldChangesAttribute.TYPE, a -> a.name("changes").getter(AuditRecord::changes)
                    .setter(AuditRecord.Builder::changes).attributeConverter(FieldChangesAttribute.INSTANCE))
            .addAttribute(Long.class, a -> a.name("expiresAt").getter(AuditRecord::expiresAt).setter(AuditRecord.Builder::expiresAt))
            .build();

    /** The one partition of the event outbox: every change's entry until its event is published, by audit id (oldest first). */
    static final String OUTBOX_PARTITION = "EVENT-OUTBOX";
    /** A namespace's policy: {@code pk = POLICY}, {@code sk = NAMESPACE#<namespace>}. */
    static final TableSchema<NamespacePolicy> POLICY = StaticImmutableTableSchema.builder(NamespacePolicy.class, PolicyBuilder.class)
            .newItemBuilder(PolicyBuilder::new, PolicyBuilder::build)
            .addAttribute(String.class, a -> a.name("pk").getter(NamespacePolicy::pk).setter((b, v) -> b.pk = v).tags(primaryPartitionKey()))
            .addAttribute(String.class, a -> a.name("sk").getter(NamespacePolicy::sk).setter((b, v) -> b.sk = v).tags(primarySortKey()))
            .addAttribute(String.class, a -> a.name("namespace").getter(NamespacePolicy::namespace).setter((b, v) -> b.namespace = v))
            .addAttribute(Integer.class, a -> a.name("maxLifetimeDays").getter(NamespacePolicy::maxLifetimeDays).setter((b, v) -> b.maxLifetimeDays = v))
            .addAttribute(Boolean.class, a -> a.name("allowNeverExpires").getter(NamespacePolicy::allowNeverExpires).setter((b, v) -> b.allowNeverExpires = v))
            .addAttribute(EnhancedType.listOf(Permission.class), a -> a.name("allowedPermissions").getter(NamespacePolicy::allowedPermissions)
                    .setter((b, v) -> b.allowedPermissions = v))
            .addAttribute(Integer.class, a -> a.name("disableUnusedAfterDays").getter(NamespacePolicy::disableUnusedAfterDays)
                    .setter((b, v) -> b.disableUnusedAfterDays = v))
            .addAttribute(EnhancedType.listOf(String.class), a -> a.name("defaultAllowedSources").getter(NamespacePolicy::defaultAllowedSources)
                    .setter((b, v) -> b.defaultAllowedSources = v))
            .addAttribute(Instant.class, a -> a.name("updatedAt").getter(NamespacePolicy::updatedAt).setter((b, v) -> b.updatedAt = v))
            .addAttribute(String.class, a -> a.name("updatedBy").getter(NamespacePolicy::updatedBy).setter((b, v) -> b.updatedBy = v))
            .addAttribute(Long.class, a -> a.name("version").getter(NamespacePolicy::version).setter((b, v) -> b.version = v))
            .build();

    /** The policy item's builder, for its schema alone. */
    static final class PolicyBuilder {
        private String pk;
        private String sk;
        private String namespace;
        private Integer maxLifetimeDays;
        private Boolean allowNeverExpires;
        private List<Permission> allowedPermissions;
        private Integer disableUnusedAfterDays;
        private List<String> defaultAllowedSources;
        private Instant updatedAt;
        private String updatedBy;
        private Long version;

        NamespacePolicy build() {
            return new NamespacePolicy(pk, sk, namespace, maxLifetimeDays, allowNeverExpires, allowedPermissions, disableUnusedAfterDays,
                    defaultAllowedSources, updatedAt, updatedBy, version);
        }
    }

    private TableItems() {
    }

    /** The key of an item whose partition and sort keys are the same value (login records, failure counters). */
    static Map<String, AttributeValue> key(String value) {
        return Map.of("pk", AttributeValue.fromS(value), "sk", AttributeValue.fromS(value));
    }

    static Map<String, AttributeValue> loginKey(String username) {
        return key(LoginRecord.key(username));
    }

    static Map<String, AttributeValue> policyKey(String namespace) {
        return Map.of("pk", AttributeValue.fromS(NamespacePolicy.PARTITION), "sk", AttributeValue.fromS(NamespacePolicy.sortKey(namespace)));
    }

    static Map<String, AttributeValue> tokenKey(String partition, String tokenId) {
        return Map.of("pk", AttributeValue.fromS(partition), "sk", AttributeValue.fromS(TokenRecord.sortKey(tokenId)));
    }

    /** A record's audit item. */
    static Map<String, AttributeValue> auditItem(AuditRecord record) {
        return AUDIT.itemToMap(record, true);
    }

    /** A record's outbox entry: the audit item's attributes under the outbox partition, without the TTL (it waits until published). */
    static Map<String, AttributeValue> outboxItem(AuditRecord record) {
        Map<String, AttributeValue> item = new HashMap<>(AUDIT.itemToMap(record, true));
        item.putAll(outboxKey(record.id()));
        item.remove("expiresAt");
        return item;
    }

    static Map<String, AttributeValue> outboxKey(String auditId) {
        return Map.of("pk", AttributeValue.fromS(OUTBOX_PARTITION), "sk", AttributeValue.fromS(auditId));
    }
}
