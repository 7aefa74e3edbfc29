package dev.registrytokens.core;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A token as the API returns it. {@code repositories} null means every repository of the namespace. {@code secret} is
 * present only in the answers to create and reset (and the API writes it only there). {@code disabledReason}: why the
 * service disabled the token ({@code leak_reported}, {@code unused}), or null.
 * {@code recentSources} are the last
 * {@value TokenUsage#RECENT_SOURCES} distinct sources of successful logins, newest first; {@code refusedLogins24h}
 * counts refused logins of this token in the last 24 hours (by hour: 23 to 24 of them), also by reason.
 * {@code allowedSources} null
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
        List<UsedFrom> recentSources,
        long refusedLogins24h,
        Map<String, Long> refusedLogins24hByReason,
        LastRefusal lastRefusal,
        long version,
        String secret,
        String disabledReason,
        List<String> allowedSources,
        String previousSecretExpiresAt) {

    /** A source of successful logins: {@code client} is the user agent's product (null if none was sent). */
    public record UsedFrom(String ip, String client, String lastUsedAt) {
    }

    /** The latest refused login: {@code reason} as in the decision log (bad_secret, disabled, expired, source_over_limit). */
    public record LastRefusal(String ip, String client, String reason, String at) {
    }

    public static TokenView of(TokenRecord token, Instant now) {
        return withSecret(token, now, null);
    }

    public static TokenView withSecret(TokenRecord token, Instant now, String secret) {
        TokenUsage usage = token.usage() == null ? TokenUsage.NONE : token.usage();
        Map<String, Long> refused = usage.refusedWithin24h(now);
        return new TokenView(token.id(), token.namespace(), token.name(), token.username(), token.description(), token.permission(),
                token.repositories(), token.status(),
                token.expiresAt() == null ? null : Instant.ofEpochSecond(token.expiresAt()).toString(),
                token.isExpired(now), token.createdBy(), token.createdAt().toString(), token.updatedAt().toString(),
                token.lastUsedAt() == null ? null : token.lastUsedAt().toString(),
                usage.recentSources().stream().map(source -> new UsedFrom(source.ip(), source.client(), source.lastUsedAt().toString())).toList(),
                refused.values().stream().mapToLong(Long::longValue).sum(), refused,
                usage.lastRefusal() == null ? null : new LastRefusal(usage.lastRefusal().ip(), usage.lastRefusal().client(),
                        usage.lastRefusal().reason(), usage.lastRefusal().at().toString()),
                token.version(), secret, token.disabledReason(), token.allowedSources(),
                token.inGrace(now) && !token.isExpired(now) ? token.previousSecretExpiresAt().toString() : null);
    }

    /** Secrets must not reach logs through a record's generated toString. */
    @Override
    public String toString() {
        return "TokenView[id=" + id + ", username=" + username + ", version=" + version + "]";
    }
}
