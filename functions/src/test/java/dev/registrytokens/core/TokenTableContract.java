package dev.registrytokens.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What the domain relies on of the token table, whatever holds it: the in-memory table of the fast tests
 * ({@link InMemoryTableTest}) and the DynamoDB adapters ({@code core.adapters.DynamoDbTableTest}) pass the same checks,
 * so the fast tests' table behaves as the real one does.
 */
public abstract class TokenTableContract {
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    private static final byte[] MAC = {1, 2, 3};

    private final String namespace = "contract-" + UUID.randomUUID().toString().substring(0, 8);

    protected abstract TokenStore tokens();

    protected abstract LoginStore logins();

    private TokenRecord token(String name, Long expiresAt, Instant createdAt) {
        String id = TokenIds.newId(createdAt, new SecureRandom());
        return new TokenRecord.Builder().pk(TokenRecord.partitionKey(namespace)).sk(TokenRecord.sortKey(id)).id(id)
                .namespace(namespace).createdBy("alice").name(name).username(Namespaces.usernameFor(namespace, name))
                .permission(Permission.PULL).status(TokenStatus.ENABLED).expiresAt(expiresAt)
                .createdAt(createdAt).updatedAt(createdAt).version(1L).build();
    }

    private TokenRecord created(String name, Long expiresAt) {
        TokenRecord token = token(name, expiresAt, NOW);
        tokens().create(token, LoginRecord.of(token, MAC), NOW);
        return token;
    }

    private static long inDays(int days) {
        return NOW.plus(Duration.ofDays(days)).getEpochSecond();
    }

    @Test
    void aUsernameIsTakenWhileItsTokenIsUnexpiredThenFree() {
        TokenRecord first = created("ci", NOW.plusSeconds(60).getEpochSecond());
        TokenRecord second = token("ci", inDays(1), NOW);
        assertThrows(TokenStore.ConditionFailed.class, () -> tokens().create(second, LoginRecord.of(second, MAC), NOW));
        Instant later = NOW.plusSeconds(60);
        tokens().create(second, LoginRecord.of(second, MAC), later);
        assertEquals(second.id(), tokens().findLogin(first.username()).orElseThrow().tokenId());
        assertTrue(tokens().findToken(namespace, first.id()).isPresent(), "the expired token's own record stays until TTL");
    }

    @Test
    void anUpdateWritesWhatChangedKeepsWhatLoginsWroteAndIsGuardedByVersionAndExpiry() {
        TokenRecord token = created("edit", inDays(1));
        LoginRecord login = tokens().findLogin(token.username()).orElseThrow();
        logins().recordUsage(login, new UsageUpdate(NOW, Map.of(), Map.of(), null, Set.of(), Set.of()));
        TokenRecord next = token.toBuilder().permission(Permission.PULL_PUSH).expiresAt(null).description("d").version(2L)
                .updatedAt(NOW.plusSeconds(1)).build();
        tokens().update(token, next, null, NOW);

        TokenRecord stored = tokens().findToken(namespace, token.id()).orElseThrow();
        assertEquals(Permission.PULL_PUSH, stored.permission());
        assertNull(stored.expiresAt());
        assertEquals("d", stored.description());
        assertEquals(2L, stored.version());
        assertEquals(NOW.truncatedTo(ChronoUnit.SECONDS), stored.lastUsedAt());
        LoginRecord after = tokens().findLogin(token.username()).orElseThrow();
        assertEquals(Permission.PULL_PUSH, after.permission());
        assertNull(after.expiresAt());
        assertArrayEquals(MAC, after.mac(), "no new MAC given: the stored one stays");

        assertThrows(TokenStore.ConditionFailed.class, () -> tokens().update(token, next.toBuilder().version(3L).build(), null, NOW),
                "a stale version");
        byte[] newMac = {9, 9};
        tokens().update(next, next.toBuilder().version(3L).build(), newMac, NOW);
        assertArrayEquals(newMac, tokens().findLogin(token.username()).orElseThrow().mac());
    }

    @Test
    void anExpiredTokenIsNotUpdated() {
        TokenRecord token = created("old", NOW.plusSeconds(10).getEpochSecond());
        TokenRecord next = token.toBuilder().status(TokenStatus.DISABLED).version(2L).build();
        assertThrows(TokenStore.ConditionFailed.class, () -> tokens().update(token, next, null, NOW.plusSeconds(10)));
        assertEquals(TokenStatus.ENABLED, tokens().findToken(namespace, token.id()).orElseThrow().status());
    }

    @Test
    void aDeleteFreesItsOwnUsernameButLeavesANewerTokensLoginAlone() {
        TokenRecord expired = created("reused", NOW.plusSeconds(5).getEpochSecond());
        TokenRecord newer = token("reused", inDays(1), NOW.plusSeconds(5));
        tokens().create(newer, LoginRecord.of(newer, MAC), NOW.plusSeconds(5));
        assertThrows(TokenStore.ConditionFailed.class, () -> tokens().delete(expired, 2));
        tokens().delete(expired, 1);
        assertTrue(tokens().findToken(namespace, expired.id()).isEmpty());
        assertEquals(newer.id(), tokens().findLogin(newer.username()).orElseThrow().tokenId());
        tokens().delete(newer, 1);
        assertTrue(tokens().findLogin(newer.username()).isEmpty());
    }

    @Test
    void aNamespaceIsListedNewestFirstAfterTheCursor() {
        TokenRecord a = tokenAt("a", 0);
        TokenRecord b = tokenAt("b", 1);
        TokenRecord c = tokenAt("c", 2);
        assertEquals(List.of(c.id(), b.id()), tokens().listTokens(namespace, 2, null).stream().map(TokenRecord::id).toList());
        assertEquals(List.of(a.id()), tokens().listTokens(namespace, 2, b.id()).stream().map(TokenRecord::id).toList());
    }

    private TokenRecord tokenAt(String name, int secondsLater) {
        Instant at = NOW.plusSeconds(secondsLater);
        TokenRecord token = token(name, inDays(1), at);
        tokens().create(token, LoginRecord.of(token, MAC), at);
        return token;
    }

    @Test
    void guessesAreCountedPerSourceAndWindowUpToTheLimitAndTakenBackToZeroAtMost() {
        TokenRecord token = created("guessed", inDays(1));
        String source = "contract-" + UUID.randomUUID();
        long window = 1000;
        for (int i = 0; i < 3; i++) {
            assertTrue(logins().countLoginGuess(source, window, 2000, 3));
        }
        assertFalse(logins().countLoginGuess(source, window, 2000, 3), "at the limit: refused, and nothing written");
        LoginStore.LoginAttempt attempt = logins().findLoginAttempt(token.username(), source, window);
        assertEquals(3, attempt.sourceFailures());
        assertEquals(token.id(), attempt.login().tokenId());
        assertArrayEquals(MAC, attempt.login().mac());
        assertEquals(0, logins().findLoginAttempt(token.username(), source, window + 1).sourceFailures(), "another window");

        for (int i = 0; i < 5; i++) {
            logins().uncountLoginGuess(source, window);
        }
        assertEquals(0, logins().findLoginAttempt(token.username(), source, window).sourceFailures());
        assertNull(logins().findLoginAttempt("nobody-" + UUID.randomUUID(), source, window).login());
    }

    @Test
    void usageWritesSetSourcesByIpAddRefusalsAndRemoveWhatTheyAreGivenAsStale() {
        TokenRecord token = created("used", inDays(1));
        LoginRecord login = tokens().findLogin(token.username()).orElseThrow();
        Instant used = NOW.plusMillis(1500);
        Instant second = used.truncatedTo(ChronoUnit.SECONDS);
        var first = new TokenUsage.Source("192.0.2.1", "docker/28.2.2", second);
        TokenUsage afterFirst = logins().recordUsage(login, new UsageUpdate(used, Map.of(first.ip(), first),
                Map.of(TokenUsage.refusalBucket(NOW, "bad_secret"), 2L), null, Set.of(), Set.of())).orElseThrow();
        assertEquals(List.of(first), afterFirst.recentSources(), "the token's first usage write creates its maps");
        assertEquals(second, tokens().findToken(namespace, token.id()).orElseThrow().lastUsedAt(), "whole seconds");

        var other = new TokenUsage.Source("192.0.2.2", null, second.plusSeconds(60));
        var refusal = new TokenUsage.Refusal("192.0.2.9", "skopeo", "disabled", second.plusSeconds(60));
        TokenUsage afterSecond = logins().recordUsage(login, new UsageUpdate(null, Map.of(other.ip(), other),
                Map.of(TokenUsage.refusalBucket(NOW, "bad_secret"), 3L, TokenUsage.refusalBucket(NOW, "disabled"), 1L), refusal,
                Set.of(), Set.of())).orElseThrow();
        assertEquals(List.of(other, first), afterSecond.recentSources());
        assertEquals(Map.of("bad_secret", 5L, "disabled", 1L), afterSecond.refusedWithin24h(NOW));
        assertEquals(refusal, afterSecond.lastRefusal());
        assertEquals(second, tokens().findToken(namespace, token.id()).orElseThrow().lastUsedAt(), "no use: lastUsedAt stays");

        TokenUsage afterRemoval = logins().recordUsage(login, new UsageUpdate(null, Map.of(), Map.of(), null,
                Set.of(first.ip()), Set.of(TokenUsage.refusalBucket(NOW, "disabled")))).orElseThrow();
        assertEquals(List.of(other), afterRemoval.recentSources());
        assertEquals(Map.of("bad_secret", 5L), afterRemoval.refusedWithin24h(NOW));
        assertEquals(afterRemoval, tokens().findToken(namespace, token.id()).orElseThrow().usage(), "the write returns what it stored");

        tokens().delete(token, 1);
        assertTrue(logins().recordUsage(login, new UsageUpdate(used.plusSeconds(120), Map.of(), Map.of(), null, Set.of(), Set.of())).isEmpty());
        assertTrue(tokens().findToken(namespace, token.id()).isEmpty(), "a deleted token is not brought back");
    }
}
