package dev.registrytokens.core;

import java.time.Instant;
import java.util.List;

/**
 * A token as its namespace sees it: {@code pk = NAMESPACE#<namespace>}, {@code sk = TOKEN#<id>}. Ids sort by creation
 * time, so a descending query on the namespace's partition lists newest first. {@code createdBy} is the creator's
 * subject; the token belongs to the namespace and outlives them. {@code repositories} null means every repository.
 * {@code expiresAt} (epoch seconds) is the table's TTL attribute; absent means never. {@code disabledReason} says why
 * the service itself disabled the token ({@link #LEAK_REPORTED}, {@link #UNUSED}); null when a person did, or it is enabled.
 * {@code usage} is written by registry logins only (never by an edit); null until the first one.
 * {@code allowedSources} (CIDR
 * blocks in normal form) null means logins from anywhere. {@code previousSecretExpiresAt} is set while the secret a
 * reset replaced still logs in (its grace), until that instant.
 */
public record TokenRecord(
        String pk,
        String sk,
        String id,
        String namespace,
        String createdBy,
        String name,
        String username,
        String description,
        Permission permission,
        List<RepositoryRule> repositories,
        TokenStatus status,
        Long expiresAt,
        Instant createdAt,
        Instant updatedAt,
        Instant lastUsedAt,
        Long version,
        String disabledReason,
        TokenUsage usage,
        List<String> allowedSources,
        Instant previousSecretExpiresAt) {

    /** Where tokens of the first layout lived, each under its creator's account, until the layout migration moves them. */
    public static final String LEGACY_PARTITION_PREFIX = "ACCOUNT#";
    /** Disabled because its secret was reported leaked (POST /revocations). */
    public static final String LEAK_REPORTED = "leak_reported";
    /** Disabled by the daily sweep of its namespace's policy (disableUnusedAfterDays). */
    public static final String UNUSED = "unused";

    public static String partitionKey(String namespace) {
        return "NAMESPACE#" + namespace;
    }

    public static String legacyPartitionKey(String accountId) {
        return LEGACY_PARTITION_PREFIX + accountId;
    }

    public static String sortKey(String tokenId) {
        return "TOKEN#" + tokenId;
    }

    public boolean isExpired(Instant now) {
        return expiresAt != null && expiresAt <= now.getEpochSecond();
    }

    /** Whether the secret a reset replaced still logs in at {@code now}. */
    public boolean inGrace(Instant now) {
        return previousSecretExpiresAt != null && now.isBefore(previousSecretExpiresAt);
    }

    public Builder toBuilder() {
        return new Builder().pk(pk).sk(sk).id(id).namespace(namespace).createdBy(createdBy).name(name)
                .username(username).description(description).permission(permission).repositories(repositories).status(status)
                .expiresAt(expiresAt).createdAt(createdAt).updatedAt(updatedAt).lastUsedAt(lastUsedAt).version(version)
                .disabledReason(disabledReason).usage(usage)
                .allowedSources(allowedSources).previousSecretExpiresAt(previousSecretExpiresAt);
    }

    public static final class Builder {
        private String pk;
        private String sk;
        private String id;
        private String namespace;
        private String createdBy;
        private String name;
        private String username;
        private String description;
        private Permission permission;
        private List<RepositoryRule> repositories;
        private TokenStatus status;
        private Long expiresAt;
        private Instant createdAt;
        private Instant updatedAt;
        private Instant lastUsedAt;
        private Long version;
        private String disabledReason;
        private TokenUsage usage;
        private List<String> allowedSources;
        private Instant previousSecretExpiresAt;

        public Builder pk(String value) { pk = value; return this; }
        public Builder sk(String value) { sk = value; return this; }
        public Builder id(String value) { id = value; return this; }
        public Builder namespace(String value) { namespace = value; return this; }
        public Builder createdBy(String value) { createdBy = value; return this; }
        public Builder name(String value) { name = value; return this; }
        public Builder username(String value) { username = value; return this; }
        public Builder description(String value) { description = value; return this; }
        public Builder permission(Permission value) { permission = value; return this; }
        public Builder repositories(List<RepositoryRule> value) { repositories = value; return this; }
        public Builder status(TokenStatus value) { status = value; return this; }
        public Builder expiresAt(Long value) { expiresAt = value; return this; }
        public Builder createdAt(Instant value) { createdAt = value; return this; }
        public Builder updatedAt(Instant value) { updatedAt = value; return this; }
        public Builder lastUsedAt(Instant value) { lastUsedAt = value; return this; }
        public Builder version(Long value) { version = value; return this; }
        public Builder disabledReason(String value) { disabledReason = value; return this; }
        public Builder usage(TokenUsage value) { usage = value; return this; }
        public Builder allowedSources(List<String> value) { allowedSources = value; return this; }
        public Builder previousSecretExpiresAt(Instant value) { previousSecretExpiresAt = value; return this; }

        public TokenRecord build() {
            return new TokenRecord(pk, sk, id, namespace, createdBy, name, username, description, permission, repositories, status,
                    expiresAt, createdAt, updatedAt, lastUsedAt, version, disabledReason, usage, allowedSources, previousSecretExpiresAt);
        }
    }
}
