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
import java.util.Arrays;
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

    protected abstract AuditStore audits();

    /** Login replica {@code replica} (1 to {@code REPLICAS - 1}) of the username as stored, or null. */
    protected abstract LoginRecord replica(String username, int replica);

    /** Removes the username's login replicas, as of a login record written before there were any. */
    protected abstract void removeReplicas(String username);

    private void assertEveryReplicaIs(LoginRecord expected, String username) {
        for (int k = 1; k < LoginRecord.REPLICAS; k++) {
            LoginRecord replica = replica(username, k);
            if (expected == null) {
                assertNull(replica, "replica " + k + " removed");
                continue;
            }
            assertEquals(LoginRecord.replicaKey(username, k), replica.pk(), "replica " + k + " under its own key");
            assertEquals(Arrays.asList(expected.tokenId(), expected.namespace(), expected.permission(), expected.repositories(),
                            expected.status(), expected.expiresAt(), expected.version()),
                    Arrays.asList(replica.tokenId(), replica.namespace(), replica.permission(), replica.repositories(),
                            replica.status(), replica.expiresAt(), replica.version()), "replica " + k);
            assertArrayEquals(expected.mac(), replica.mac(), "replica " + k + "'s MAC");
        }
    }

    /** An audit record of {@code token}'s change by alice, made now. */
    private static AuditRecord audit(TokenRecord token, AuditAction action) {
        return audit(token, action, Instant.now());
    }

    private static AuditRecord audit(TokenRecord token, AuditAction action, Instant at) {
        return AuditRecord.of(TokenIds.newId(at, new SecureRandom()), action,
                new Membership("alice", token.namespace(), Role.OWNER, new RequestOrigin("127.0.0.1", "curl/8.5.0", "request-1")), token,
                at, List.of(new FieldChange("permission", null, "PULL"), new FieldChange("repositories", null,
                        List.of(Map.of("pattern", "app/*", "permission", "PULL")))), at.plus(Duration.ofDays(400)));
    }

    private List<String> auditIds(String tokenId, int limit, String afterId) {
        return audits().listAudit(namespace, limit, afterId, tokenId).stream().map(AuditRecord::id).toList();
    }

    @Test
    void eachWriteLandsWithItsAuditRecordAndOutboxEntryAndAFailedOneWithNeither() {
        TokenRecord token = token("audited", inDays(1), NOW);
        AuditRecord created = audit(token, AuditAction.CREATE, NOW);
        tokens().create(token, LoginRecord.of(token, MAC), NOW, created);
        TokenRecord rival = token("audited", inDays(1), NOW);
        AuditRecord refused = audit(rival, AuditAction.CREATE);
        assertThrows(TokenStore.ConditionFailed.class, () -> tokens().create(rival, LoginRecord.of(rival, MAC), NOW, refused));
        TokenRecord next = token.toBuilder().permission(Permission.PULL_PUSH).version(2L).build();
        AuditRecord stale = audit(token, AuditAction.EDIT);
        assertThrows(TokenStore.ConditionFailed.class, () -> tokens().update(next, next.toBuilder().version(3L).build(), null, NOW, stale));
        AuditRecord edited = audit(token, AuditAction.EDIT, NOW.plusSeconds(1));
        tokens().update(token, next, null, NOW, edited);
        AuditRecord staleDelete = audit(token, AuditAction.DELETE);
        assertThrows(TokenStore.ConditionFailed.class, () -> tokens().delete(next, 1, staleDelete));

        List<AuditRecord> log = audits().listAudit(namespace, 10, null, null);
        assertEquals(List.of(edited.id(), created.id()), log.stream().map(AuditRecord::id).toList(), "newest first, none of the failed writes");
        AuditRecord stored = log.get(1);
        assertEquals(created, stored, "stored as written, changes and origin included");
        List<String> pending = audits().pendingEvents(100).stream().map(AuditRecord::id).toList();
        assertTrue(pending.containsAll(List.of(created.id(), edited.id())));
        assertFalse(pending.contains(refused.id()) || pending.contains(stale.id()) || pending.contains(staleDelete.id()));
        assertTrue(pending.indexOf(created.id()) < pending.indexOf(edited.id()), "the outbox is oldest first");
        audits().eventPublished(created);
        assertFalse(audits().pendingEvents(100).stream().anyMatch(record -> record.id().equals(created.id())));
        assertEquals(2, audits().listAudit(namespace, 10, null, null).size(), "publishing leaves the audit log as it is");
    }

    @Test
    void oneTokensRecordsAreListedNewestFirstAfterTheCursor() {
        TokenRecord first = tokenAt("first", 0);
        TokenRecord second = tokenAt("second", 1);
        TokenRecord next = first.toBuilder().description("changed").version(2L).build();
        tokens().update(first, next, null, NOW.plusSeconds(2), audit(first, AuditAction.EDIT, NOW.plusSeconds(2)));
        List<String> all = auditIds(null, 10, null);
        assertEquals(3, all.size());
        List<String> ofFirst = auditIds(first.id(), 10, null);
        assertEquals(List.of(all.get(0), all.get(2)), ofFirst, "the edit, then the create; not the other token's");
        assertEquals(List.of(all.get(0)), auditIds(first.id(), 1, null));
        assertEquals(List.of(all.get(2)), auditIds(first.id(), 1, all.get(0)));
        assertEquals(List.of(all.get(1)), auditIds(second.id(), 10, null));
        assertEquals(List.of(all.get(1), all.get(2)), auditIds(null, 10, all.get(0)));
    }

    private TokenRecord token(String name, Long expiresAt, Instant createdAt) {
        String id = TokenIds.newId(createdAt, new SecureRandom());
        return new TokenRecord.Builder().pk(TokenRecord.partitionKey(namespace)).sk(TokenRecord.sortKey(id)).id(id)
                .namespace(namespace).createdBy("alice").name(name).username(Namespaces.usernameFor(namespace, name))
                .permission(Permission.PULL).status(TokenStatus.ENABLED).expiresAt(expiresAt)
                .createdAt(createdAt).updatedAt(createdAt).version(1L).build();
    }

    private TokenRecord created(String name, Long expiresAt) {
        TokenRecord token = token(name, expiresAt, NOW);
        tokens().create(token, LoginRecord.of(token, MAC), NOW, audit(token, AuditAction.CREATE));
        return token;
    }

    private static long inDays(int days) {
        return NOW.plus(Duration.ofDays(days)).getEpochSecond();
    }

    @Test
    void aUsernameIsTakenWhileItsTokenIsUnexpiredThenFree() {
        TokenRecord first = created("ci", NOW.plusSeconds(60).getEpochSecond());
        TokenRecord second = token("ci", inDays(1), NOW);
        assertThrows(TokenStore.ConditionFailed.class, () -> tokens().create(second, LoginRecord.of(second, MAC), NOW, audit(second, AuditAction.CREATE)));
        Instant later = NOW.plusSeconds(60);
        tokens().create(second, LoginRecord.of(second, MAC), later, audit(second, AuditAction.CREATE));
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
        tokens().update(token, next, null, NOW, audit(token, AuditAction.EDIT));

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

        assertThrows(TokenStore.ConditionFailed.class, () -> tokens().update(token, next.toBuilder().version(3L).build(), null, NOW, audit(token, AuditAction.EDIT)),
                "a stale version");
        byte[] newMac = {9, 9};
        tokens().update(next, next.toBuilder().version(3L).build(), newMac, NOW, audit(next, AuditAction.EDIT));
        assertArrayEquals(newMac, tokens().findLogin(token.username()).orElseThrow().mac());
    }

    @Test
    void aResetWithAGraceKeepsTheReplacedMacUntilAnotherResetOrTheGraceEnds() {
        TokenRecord token = created("grace", inDays(1));
        Instant graceEnds = NOW.plusSeconds(60);
        TokenRecord reset = token.toBuilder().previousSecretExpiresAt(graceEnds).version(2L).build();
        byte[] secondMac = {4, 4};
        tokens().update(token, reset, secondMac, NOW, audit(reset, AuditAction.RESET));
        LoginRecord during = tokens().findLogin(token.username()).orElseThrow();
        assertArrayEquals(secondMac, during.mac());
        assertArrayEquals(MAC, during.previousMac(), "the replaced MAC, copied within the same write");
        assertEquals(graceEnds, during.previousMacExpiresAt());
        assertEquals(graceEnds, tokens().findToken(namespace, token.id()).orElseThrow().previousSecretExpiresAt());

        byte[] thirdMac = {5, 5};
        TokenRecord again = reset.toBuilder().previousSecretExpiresAt(graceEnds.plusSeconds(1)).version(3L).build();
        tokens().update(reset, again, thirdMac, NOW, audit(again, AuditAction.RESET));
        LoginRecord second = tokens().findLogin(token.username()).orElseThrow();
        assertArrayEquals(thirdMac, second.mac());
        assertArrayEquals(secondMac, second.previousMac(), "a second reset replaces the first grace's MAC: two at most");

        TokenRecord disabled = again.toBuilder().status(TokenStatus.DISABLED).previousSecretExpiresAt(null).version(4L).build();
        tokens().update(again, disabled, null, NOW, audit(disabled, AuditAction.EDIT));
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
        tokens().update(token, reset, new byte[] {4}, NOW, audit(reset, AuditAction.RESET));
        TokenRecord again = reset.toBuilder().previousSecretExpiresAt(null).version(3L).build();
        tokens().update(reset, again, new byte[] {5}, NOW, audit(again, AuditAction.RESET));
        LoginRecord login = tokens().findLogin(token.username()).orElseThrow();
        assertArrayEquals(new byte[] {5}, login.mac());
        assertNull(login.previousMac());
        assertNull(login.previousMacExpiresAt());
    }

    @Test
    void allowedSourcesAreOnBothRecordsAndAnEditCanClearThem() {
        TokenRecord token = token("sources", inDays(1), NOW).toBuilder().allowedSources(List.of("127.0.0.3/32", "2001:db8::/32")).build();
        tokens().create(token, LoginRecord.of(token, MAC), NOW, audit(token, AuditAction.CREATE));
        assertEquals(List.of("127.0.0.3/32", "2001:db8::/32"), tokens().findToken(namespace, token.id()).orElseThrow().allowedSources());
        assertEquals(List.of("127.0.0.3/32", "2001:db8::/32"), tokens().findLogin(token.username()).orElseThrow().allowedSources());
        TokenRecord anywhere = token.toBuilder().allowedSources(null).version(2L).build();
        tokens().update(token, anywhere, null, NOW, audit(anywhere, AuditAction.EDIT));
        assertNull(tokens().findToken(namespace, token.id()).orElseThrow().allowedSources());
        assertNull(tokens().findLogin(token.username()).orElseThrow().allowedSources());
    }

    @Test
    void anExpiredTokenIsNotUpdated() {
        TokenRecord token = created("old", NOW.plusSeconds(10).getEpochSecond());
        TokenRecord next = token.toBuilder().status(TokenStatus.DISABLED).version(2L).build();
        assertThrows(TokenStore.ConditionFailed.class, () -> tokens().update(token, next, null, NOW.plusSeconds(10), audit(token, AuditAction.EDIT)));
        assertEquals(TokenStatus.ENABLED, tokens().findToken(namespace, token.id()).orElseThrow().status());
    }

    @Test
    void aDeleteFreesItsOwnUsernameButLeavesANewerTokensLoginAlone() {
        TokenRecord expired = created("reused", NOW.plusSeconds(5).getEpochSecond());
        TokenRecord newer = token("reused", inDays(1), NOW.plusSeconds(5));
        tokens().create(newer, LoginRecord.of(newer, MAC), NOW.plusSeconds(5), audit(newer, AuditAction.CREATE));
        assertThrows(TokenStore.ConditionFailed.class, () -> tokens().delete(expired, 2, audit(expired, AuditAction.DELETE)));
        tokens().delete(expired, 1, audit(expired, AuditAction.DELETE));
        assertTrue(tokens().findToken(namespace, expired.id()).isEmpty());
        assertEquals(newer.id(), tokens().findLogin(newer.username()).orElseThrow().tokenId());
        tokens().delete(newer, 1, audit(newer, AuditAction.DELETE));
        assertTrue(tokens().findLogin(newer.username()).isEmpty());
    }

    @Test
    void everyLoginReplicaIsWrittenWithThePrimaryChangedWithItAndRemovedWithIt() {
        TokenRecord token = created("replicated", inDays(1));
        assertEveryReplicaIs(tokens().findLogin(token.username()).orElseThrow(), token.username());
        TokenRecord disabled = token.toBuilder().status(TokenStatus.DISABLED).permission(Permission.PULL_PUSH).expiresAt(inDays(2))
                .version(2L).build();
        tokens().update(token, disabled, new byte[] {7, 7}, NOW, audit(token, AuditAction.DISABLE));
        LoginRecord changed = tokens().findLogin(token.username()).orElseThrow();
        assertEquals(TokenStatus.DISABLED, changed.status());
        assertEveryReplicaIs(changed, token.username());
        TokenRecord stale = disabled.toBuilder().status(TokenStatus.ENABLED).version(3L).build();
        assertThrows(TokenStore.ConditionFailed.class, () -> tokens().update(token, stale, null, NOW, audit(token, AuditAction.ENABLE)));
        assertEveryReplicaIs(changed, token.username());
        tokens().delete(disabled, 2, audit(disabled, AuditAction.DELETE));
        assertEveryReplicaIs(null, token.username());
    }

    @Test
    void aNewTokenTakingAnExpiredUsernameOverwritesItsReplicasAndADeleteOfTheOldOneLeavesThem() {
        TokenRecord expired = created("replica-reused", NOW.plusSeconds(5).getEpochSecond());
        TokenRecord newer = token("replica-reused", inDays(1), NOW.plusSeconds(5));
        tokens().create(newer, LoginRecord.of(newer, new byte[] {4, 2}), NOW.plusSeconds(5), audit(newer, AuditAction.CREATE));
        LoginRecord login = tokens().findLogin(newer.username()).orElseThrow();
        assertEquals(newer.id(), login.tokenId());
        assertEveryReplicaIs(login, newer.username());
        tokens().delete(expired, 1, audit(expired, AuditAction.DELETE));
        assertEveryReplicaIs(login, newer.username());
    }

    @Test
    void aRefreshReadsAReplicaAndThePrimaryWhereTheRecordHasNone() {
        TokenRecord token = created("unreplicated", inDays(1));
        removeReplicas(token.username());
        assertEquals(token.id(), logins().refreshLogin(token.username()).tokenId(), "no replica: the primary answers");
        TokenRecord disabled = token.toBuilder().status(TokenStatus.DISABLED).version(2L).build();
        tokens().update(token, disabled, null, NOW, audit(token, AuditAction.DISABLE));
        LoginRecord refreshed = logins().refreshLogin(token.username());
        assertEquals(List.of(token.id(), TokenStatus.DISABLED, 2L), List.of(refreshed.tokenId(), refreshed.status(), refreshed.version()),
                "an update of a record without replicas: still the whole record, from the primary");
        assertArrayEquals(MAC, refreshed.mac());
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
        tokens().create(token, LoginRecord.of(token, MAC), at, audit(token, AuditAction.CREATE, at));
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
    void aRefreshReadsTheLoginRecordAloneAndNoneForAnUnknownUsername() {
        TokenRecord token = created("refreshed", inDays(1));
        LoginRecord login = logins().refreshLogin(token.username());
        assertEquals(token.id(), login.tokenId());
        assertEquals(token.status(), login.status());
        assertArrayEquals(MAC, login.mac());
        assertNull(logins().refreshLogin("nobody-" + UUID.randomUUID()));
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

        tokens().delete(token, 1, audit(token, AuditAction.DELETE));
        assertTrue(logins().recordUsage(login, new UsageUpdate(used.plusSeconds(120), Map.of(), Map.of(), null, Set.of(), Set.of())).isEmpty());
        assertTrue(tokens().findToken(namespace, token.id()).isEmpty(), "a deleted token is not brought back");
    }
}
