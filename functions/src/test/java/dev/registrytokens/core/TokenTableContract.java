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
        logins().recordLastUsed(login, NOW, NOW.minusSeconds(60));
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
    void aResetWithAGraceKeepsTheReplacedMacUntilAnotherResetOrTheGraceEnds() {
        TokenRecord token = created("grace", inDays(1));
        Instant graceEnds = NOW.plusSeconds(60);
        TokenRecord reset = token.toBuilder().previousSecretExpiresAt(graceEnds).version(2L).build();
        byte[] secondMac = {4, 4};
        tokens().update(token, reset, secondMac, NOW);
        LoginRecord during = tokens().findLogin(token.username()).orElseThrow();
        assertArrayEquals(secondMac, during.mac());
        assertArrayEquals(MAC, during.previousMac(), "the replaced MAC, copied within the same write");
        assertEquals(graceEnds, during.previousMacExpiresAt());
        assertEquals(graceEnds, tokens().findToken(namespace, token.id()).orElseThrow().previousSecretExpiresAt());

        byte[] thirdMac = {5, 5};
        TokenRecord again = reset.toBuilder().previousSecretExpiresAt(graceEnds.plusSeconds(1)).version(3L).build();
        tokens().update(reset, again, thirdMac, NOW);
        LoginRecord second = tokens().findLogin(token.username()).orElseThrow();
        assertArrayEquals(thirdMac, second.mac());
        assertArrayEquals(secondMac, second.previousMac(), "a second reset replaces the first grace's MAC: two at most");

        TokenRecord disabled = again.toBuilder().status(TokenStatus.DISABLED).previousSecretExpiresAt(null).version(4L).build();
        tokens().update(again, disabled, null, NOW);
        LoginRecord ended = tokens().findLogin(token.username()).orElseThrow();
        assertNull(ended.previousMac(), "the end of a grace removes the replaced MAC");
        assertNull(ended.previousMacExpiresAt());
        assertArrayEquals(thirdMac, ended.mac());
        assertNull(tokens().findToken(namespace, token.id()).orElseThrow().previousSecretExpiresAt());
    }

    @Test
    void aResetWithoutAGraceDropsAReplacedMacStillInGrace() {
        TokenRecord token = created("nograce", inDays(1));
        TokenRecord reset = token.toBuilder().previousSecretExpiresAt(NOW.plusSeconds(60)).version(2L).build();
        tokens().update(token, reset, new byte[] {4}, NOW);
        TokenRecord again = reset.toBuilder().previousSecretExpiresAt(null).version(3L).build();
        tokens().update(reset, again, new byte[] {5}, NOW);
        LoginRecord login = tokens().findLogin(token.username()).orElseThrow();
        assertArrayEquals(new byte[] {5}, login.mac());
        assertNull(login.previousMac());
        assertNull(login.previousMacExpiresAt());
    }

    @Test
    void allowedSourcesAreOnBothRecordsAndAnEditCanClearThem() {
        TokenRecord token = token("sources", inDays(1), NOW).toBuilder().allowedSources(List.of("127.0.0.3/32", "2001:db8::/32")).build();
        tokens().create(token, LoginRecord.of(token, MAC), NOW);
        assertEquals(List.of("127.0.0.3/32", "2001:db8::/32"), tokens().findToken(namespace, token.id()).orElseThrow().allowedSources());
        assertEquals(List.of("127.0.0.3/32", "2001:db8::/32"), tokens().findLogin(token.username()).orElseThrow().allowedSources());
        TokenRecord anywhere = token.toBuilder().allowedSources(null).version(2L).build();
        tokens().update(token, anywhere, null, NOW);
        assertNull(tokens().findToken(namespace, token.id()).orElseThrow().allowedSources());
        assertNull(tokens().findLogin(token.username()).orElseThrow().allowedSources());
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
    void lastUseIsRecordedInWholeSecondsOnlyOverAnOlderOne() {
        TokenRecord token = created("used", inDays(1));
        LoginRecord login = tokens().findLogin(token.username()).orElseThrow();
        Instant used = NOW.plusMillis(1500);
        logins().recordLastUsed(login, used, used.minusSeconds(60));
        assertEquals(used.truncatedTo(ChronoUnit.SECONDS), tokens().findToken(namespace, token.id()).orElseThrow().lastUsedAt());
        logins().recordLastUsed(login, used.plusSeconds(30), used.minusSeconds(30));
        assertEquals(used.truncatedTo(ChronoUnit.SECONDS), tokens().findToken(namespace, token.id()).orElseThrow().lastUsedAt(),
                "recorded after notAfter: left alone");
        tokens().delete(token, 1);
        logins().recordLastUsed(login, used.plusSeconds(120), used.plusSeconds(60));
        assertTrue(tokens().findToken(namespace, token.id()).isEmpty(), "a deleted token is not brought back");
    }
}
