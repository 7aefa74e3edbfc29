package dev.registrytokens.core;

import java.time.Instant;
import java.util.List;

/**
 * What a registry login needs, keyed by username ({@code pk = sk = USERNAME#<username>}) so that a login reads it by
 * key, in one BatchGetItem with its source's failure counter. Its existence also makes usernames unique across the
 * service. It is written in the same transaction as its {@link TokenRecord}, so the two never disagree. {@code mac} is
 * the KMS HMAC of the secret; the secret itself is never stored. {@code legacyAccountId} is set only on login items of tokens still in the
 * first layout (under {@code ACCOUNT#<accountId>}), until the migration moves them under their namespace.
 * {@code allowedSources} null means logins from anywhere. {@code previousMac} is the MAC of the secret a reset with a
 * grace replaced, which logs in too until {@code previousMacExpiresAt}: both MACs are here, so a login stays one read.
 */
public record LoginRecord(
        String pk,
        String sk,
        String tokenId,
        String legacyAccountId,
        String namespace,
        Permission permission,
        List<RepositoryRule> repositories,
        TokenStatus status,
        Long expiresAt,
        byte[] mac,
        Long version,
        List<String> allowedSources,
        byte[] previousMac,
        Instant previousMacExpiresAt) {

    /**
     * Copies of each login record, the primary ({@link #key}) included: replicas 1 to {@code REPLICAS - 1} are written
     * in the same transaction as the primary, and only a hot token's refresh reads one, so 5,000 environments refreshing
     * once a second put 1,250 reads/s on each (42% of a partition's 3,000), none on the primary.
     */
    public static final int REPLICAS = 5;

    public static String key(String username) {
        return "USERNAME#" + username;
    }

    /** Replica {@code replica}'s key ({@code USERNAME#<username>#<replica>}; 0 is the primary): no username has a '#'. */
    public static String replicaKey(String username, int replica) {
        return replica == 0 ? key(username) : key(username) + "#" + replica;
    }

    /** The login view of a token, carrying the given MAC (and the replaced secret's, during a grace). */
    public static LoginRecord of(TokenRecord token, byte[] mac, byte[] previousMac) {
        String key = key(token.username());
        return new LoginRecord(key, key, token.id(), null, token.namespace(), token.permission(), token.repositories(),
                token.status(), token.expiresAt(), mac, token.version(), token.allowedSources(),
                token.previousSecretExpiresAt() == null ? null : previousMac, token.previousSecretExpiresAt());
    }

    /** The login view of a token with no secret in grace, carrying the given MAC. */
    public static LoginRecord of(TokenRecord token, byte[] mac) {
        return of(token, mac, null);
    }

    /** The replaced secret's MAC while its grace lasts at {@code now}, else null. */
    public byte[] previousMacAt(Instant now) {
        return previousMac != null && previousMacExpiresAt != null && now.isBefore(previousMacExpiresAt) ? previousMac : null;
    }

    public static final class Builder {
        private String pk;
        private String sk;
        private String tokenId;
        private String legacyAccountId;
        private String namespace;
        private Permission permission;
        private List<RepositoryRule> repositories;
        private TokenStatus status;
        private Long expiresAt;
        private byte[] mac;
        private Long version;
        private List<String> allowedSources;
        private byte[] previousMac;
        private Instant previousMacExpiresAt;

        public Builder pk(String value) { pk = value; return this; }
        public Builder sk(String value) { sk = value; return this; }
        public Builder tokenId(String value) { tokenId = value; return this; }
        public Builder legacyAccountId(String value) { legacyAccountId = value; return this; }
        public Builder namespace(String value) { namespace = value; return this; }
        public Builder permission(Permission value) { permission = value; return this; }
        public Builder repositories(List<RepositoryRule> value) { repositories = value; return this; }
        public Builder status(TokenStatus value) { status = value; return this; }
        public Builder expiresAt(Long value) { expiresAt = value; return this; }
        public Builder mac(byte[] value) { mac = value; return this; }
        public Builder version(Long value) { version = value; return this; }
        public Builder allowedSources(List<String> value) { allowedSources = value; return this; }
        public Builder previousMac(byte[] value) { previousMac = value; return this; }
        public Builder previousMacExpiresAt(Instant value) { previousMacExpiresAt = value; return this; }

        public LoginRecord build() {
            return new LoginRecord(pk, sk, tokenId, legacyAccountId, namespace, permission, repositories, status, expiresAt, mac, version, allowedSources,
                    previousMac, previousMacExpiresAt);
        }
    }
}
