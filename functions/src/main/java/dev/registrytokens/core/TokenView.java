package dev.registrytokens.core;

import java.time.Instant;
import java.util.List;

/**
 * A token as the API returns it. {@code repositories} null means every repository of the namespace. {@code secret} is
 * present only in the answers to create and reset (and the API writes it only there). {@code allowedSources} null
 * means logins from anywhere; {@code previousSecretExpiresAt} is when the secret the last reset replaced stops
 * logging in, null when none does.
 */
public record TokenView(
        String id,
        String namespace,
        String name,
        String username,
        String description,
        Permission permission,
        List<RepositoryRule> repositories,
        TokenStatus status,
        String expiresAt,
        boolean expired,
        String createdBy,
        String createdAt,
        String updatedAt,
        String lastUsedAt,
        long version,
        String secret,
        List<String> allowedSources,
        String previousSecretExpiresAt) {

    public static TokenView of(TokenRecord token, Instant now) {
        return withSecret(token, now, null);
    }

    public static TokenView withSecret(TokenRecord token, Instant now, String secret) {
        return new TokenView(token.id(), token.namespace(), token.name(), token.username(), token.description(), token.permission(),
                token.repositories(), token.status(),
                token.expiresAt() == null ? null : Instant.ofEpochSecond(token.expiresAt()).toString(),
                token.isExpired(now), token.createdBy(), token.createdAt().toString(), token.updatedAt().toString(),
                token.lastUsedAt() == null ? null : token.lastUsedAt().toString(), token.version(), secret, token.allowedSources(),
                token.inGrace(now) && !token.isExpired(now) ? token.previousSecretExpiresAt().toString() : null);
    }

    /** Secrets must not reach logs through a record's generated toString. */
    @Override
    public String toString() {
        return "TokenView[id=" + id + ", username=" + username + ", version=" + version + "]";
    }
}
