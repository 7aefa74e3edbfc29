package dev.registrytokens.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Namespace policies, the unused-token sweep and leak reports, over the in-memory table and MAC key. */
class NamespacePolicyTest {
    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");

    private final InMemoryTable table = new InMemoryTable();
    private final InMemorySecretMacs macs = new InMemorySecretMacs();
    private final MovableClock clock = new MovableClock(START);
    private final TokenService tokens = new TokenService(table, macs, clock);
    private final Membership owner = new Membership("alice", "team", Role.OWNER);
    private final Membership member = new Membership("bob", "team", Role.MEMBER);

    private TokenView create(String name, Permission permission, List<RepositoryRule> rules, Integer days) {
        return tokens.create(member, new CreateTokenRequest(name, permission, rules, days, null));
    }

    private void setPolicy(Integer maxLifetimeDays, Boolean allowNeverExpires, List<Permission> allowed, Integer unusedDays) {
        tokens.setPolicy(owner, null, NamespacePolicy.of("team", maxLifetimeDays, allowNeverExpires, allowed, unusedDays, null));
    }

    private static void assertViolation(String field, Runnable request) {
        DomainException.InvalidInput refused = assertThrows(DomainException.InvalidInput.class, request::run);
        assertEquals("policy_violation", refused.code());
        assertEquals(field, refused.field());
    }

    private static EditTokenRequest editExpiry(Integer days) {
        return new EditTokenRequest(null, false, null, true, days, false, null);
    }

    @Test
    void maxLifetimeDaysRefusesLongerExpiriesOnCreateAndEdit() {
        setPolicy(90, null, null, null);
        assertViolation("expiresInDays", () -> create("long", Permission.PULL, null, 91));
        assertViolation("expiresInDays", () -> create("forever", Permission.PULL, null, null));
        TokenView ok = create("ok", Permission.PULL, null, 90);
        assertViolation("expiresInDays", () -> tokens.edit(member, ok.id(), null, editExpiry(91)));
        assertEquals(START.plus(Duration.ofDays(30)).toString(), tokens.edit(member, ok.id(), null, editExpiry(30)).expiresAt());
        assertEquals(1, table.calls("create"), "only the allowed create was written");
        assertEquals(1, macs.calls(), "a refused create costs no MAC");
    }

    @Test
    void allowNeverExpiresFalseRefusesTokensWithoutExpiryOnCreateAndEdit() {
        setPolicy(null, false, null, null);
        assertViolation("expiresInDays", () -> create("forever", Permission.PULL, null, null));
        TokenView ok = create("ok", Permission.PULL, null, 3650);
        assertViolation("expiresInDays", () -> tokens.edit(member, ok.id(), null, editExpiry(null)));
        setPolicy(null, true, null, null);
        assertNull(tokens.edit(member, ok.id(), null, editExpiry(null)).expiresAt());
    }

    @Test
    void allowNeverExpiresTrueLetsTokensNeverExpireBesideAMaximumForTheOthers() {
        setPolicy(30, true, null, null);
        assertNull(create("forever", Permission.PULL, null, null).expiresAt());
        assertViolation("expiresInDays", () -> create("long", Permission.PULL, null, 31));
    }

    @Test
    void cidrsAreIpv4OrIpv6BlocksWithTheirPrefixInRange() {
        for (String valid : List.of("203.0.113.0/24", "0.0.0.0/0", "10.1.2.3/32", "2001:db8::/32", "::/0", "::1/128", "FE80::1/64")) {
            assertTrue(Cidrs.problemWith(valid).isEmpty(), valid);
        }
        for (String invalid : List.of("10.0.0.0/33", "10.0.0.0", "256.0.0.0/8", "2001:db8::/129", "host.example/8", "::ffff:1.2.3.4/96",
                "fe80::1%eth0/64", "1::2::3/64", "10.0.0.0/08", " 10.0.0.0/8")) {
            assertTrue(Cidrs.problemWith(invalid).isPresent(), invalid);
        }
        assertEquals(Cidrs.PATTERN, dev.registrytokens.testkit.OpenApiContract.document().at("/components/schemas/Cidr/pattern").asText(),
                "the document's pattern is the one enforced, so the fuzzer's valid CIDRs are accepted and its invalid ones refused");
    }

    @Test
    void allowedPermissionsRefusesOthersOnCreateAndEditIncludingRepositoryRules() {
        setPolicy(null, null, List.of(Permission.PULL), null);
        assertViolation("permission", () -> create("pusher", Permission.PULL_PUSH, null, 30));
        assertViolation("repositories[1].permission", () -> create("rules", Permission.PULL,
                List.of(new RepositoryRule("a/*", Permission.PULL), new RepositoryRule("b/*", Permission.PULL_PUSH)), 30));
        TokenView ok = create("puller", Permission.PULL, List.of(new RepositoryRule("a/*", Permission.PULL)), 30);
        assertViolation("permission", () -> tokens.edit(member, ok.id(), null,
                new EditTokenRequest(Permission.PULL_PUSH, false, null, false, null, false, null)));
        assertViolation("repositories[0].permission", () -> tokens.edit(member, ok.id(), null,
                new EditTokenRequest(null, true, List.of(new RepositoryRule("a/*", Permission.PULL_PUSH)), false, null, false, null)));
        assertEquals("now described", tokens.edit(member, ok.id(), null,
                new EditTokenRequest(null, false, null, false, null, true, "now described")).description());
    }

    @Test
    void defaultAllowedSourcesGoToACreateThatGivesNoneInNormalFormAndNotToOneThatGivesItsOwn() {
        tokens.setPolicy(owner, null, NamespacePolicy.of("team", null, null, null, null, List.of("10.1.2.3/8", "2001:DB8::/32")));
        TokenView defaulted = tokens.create(member, new CreateTokenRequest("defaulted", Permission.PULL, null, null, null));
        assertEquals(List.of("10.0.0.0/8", "2001:db8::/32"), defaulted.allowedSources());
        TokenView own = tokens.create(member, new CreateTokenRequest("own", Permission.PULL, null, null, null, List.of("192.0.2.0/24")));
        assertEquals(List.of("192.0.2.0/24"), own.allowedSources());
    }

    @Test
    void aNewPolicyChangesNoTokenAndListsTheOnesThatBreakIt() {
        TokenView pusher = create("pusher", Permission.PULL_PUSH, null, 30);
        TokenView forever = create("forever", Permission.PULL, null, null);
        TokenView fine = create("fine", Permission.PULL, null, 30);
        TokenView longLived = create("long", Permission.PULL, null, 365);
        PolicyView policy = tokens.setPolicy(owner, null, NamespacePolicy.of("team", 90, null, List.of(Permission.PULL), null, null));
        assertEquals(1, policy.version());
        assertEquals(Set.of(pusher.id() + " permission", forever.id() + " expiresAt", longLived.id() + " expiresAt"),
                policy.violations().stream().map(v -> v.tokenId() + " " + v.field()).collect(Collectors.toSet()));
        assertFalse(policy.violations().stream().anyMatch(v -> v.tokenId().equals(fine.id())));
        assertEquals(Permission.PULL_PUSH, tokens.get(owner, pusher.id()).permission(), "the token itself is unchanged");
        assertEquals(3, tokens.policy(owner).violations().size(), "GET lists them too");
    }

    @Test
    void policyIsOwnersOnlyAndGuardedByItsVersion() {
        assertThrows(DomainException.Forbidden.class, () -> tokens.policy(member));
        assertThrows(DomainException.Forbidden.class, () -> tokens.setPolicy(member, null, NamespacePolicy.of("team", 30, null, null, null, null)));
        assertEquals(0, tokens.policy(owner).version(), "no policy yet");
        assertThrows(DomainException.PreconditionFailed.class,
                () -> tokens.setPolicy(owner, 1L, NamespacePolicy.of("team", 30, null, null, null, null)));
        tokens.setPolicy(owner, null, NamespacePolicy.of("team", 30, null, null, null, null));
        assertThrows(DomainException.PreconditionFailed.class,
                () -> tokens.setPolicy(owner, 7L, NamespacePolicy.of("team", 60, null, null, null, null)));
        PolicyView second = tokens.setPolicy(owner, 1L, NamespacePolicy.of("team", 60, null, null, null, null));
        assertEquals(2, second.version());
        assertEquals(60, second.maxLifetimeDays());
        assertEquals("alice", second.updatedBy());
    }

    @Test
    void theSweepDisablesExactlyTheTokensUnusedForNDays() {
        TokenView neverUsed = create("never-used", Permission.PULL, null, null);
        TokenView usedEarly = create("used-early", Permission.PULL, null, null);
        TokenView usedLate = create("used-late", Permission.PULL, null, null);
        clock.advance(Duration.ofDays(1));
        TokenView createdLater = create("created-later", Permission.PULL, null, null);
        TokenView expiring = create("expiring", Permission.PULL, null, 5);
        table.recordUsage(table.findLogin("team+used-early").orElseThrow(), UsageUpdate.lastUsed(START.plus(Duration.ofHours(1))));
        clock.advance(Duration.ofDays(5));
        table.recordUsage(table.findLogin("team+used-late").orElseThrow(), UsageUpdate.lastUsed(clock.instant()));
        setPolicy(null, null, null, 6);
        Membership elsewhere = new Membership("dan", "other", Role.OWNER);
        TokenView otherNamespace = tokens.create(elsewhere, new CreateTokenRequest("old", Permission.PULL, null, null, null));
        tokens.setPolicy(elsewhere, null, NamespacePolicy.of("other", null, null, null, null, null));

        // Day 6 exactly: never-used (created at START) is 6 days old; used-early was last used 5 days 23 h ago.
        UnusedTokenSweep sweep = new UnusedTokenSweep(table, tokens, clock);
        assertEquals(new UnusedTokenSweep.Result(1, 1), sweep.run());
        assertEquals(TokenStatus.DISABLED, tokens.get(owner, neverUsed.id()).status());
        assertEquals(TokenRecord.UNUSED, tokens.get(owner, neverUsed.id()).disabledReason());
        for (TokenView kept : List.of(usedEarly, usedLate, createdLater)) {
            assertEquals(TokenStatus.ENABLED, tokens.get(owner, kept.id()).status(), kept.name());
        }
        assertTrue(tokens.get(owner, expiring.id()).expired());
        assertEquals(TokenStatus.ENABLED, tokens.get(elsewhere, otherNamespace.id()).status(), "no unused rule there");

        clock.advance(Duration.ofHours(1));
        assertEquals(new UnusedTokenSweep.Result(1, 1), sweep.run(), "used-early reaches 6 days unused within this hour");
        assertEquals(TokenStatus.DISABLED, tokens.get(owner, usedEarly.id()).status());
        assertEquals(TokenStatus.ENABLED, tokens.get(owner, createdLater.id()).status(), "5 days 1 hour old");
        clock.advance(Duration.ofHours(23));
        assertEquals(new UnusedTokenSweep.Result(1, 1), sweep.run(), "created-later is 6 days old now");
        assertEquals(TokenStatus.ENABLED, tokens.get(owner, usedLate.id()).status(), "used 1 day ago");
        assertEquals(Membership.SYSTEM_SUBJECT, Membership.system("team").subject());

        assertNull(tokens.setStatus(owner, neverUsed.id(), null, TokenStatus.ENABLED).disabledReason(), "enabling clears the reason");
    }

    @Test
    void aLeakedSecretStillInItsResetsGraceDisablesTheTokenAndEndsTheGrace() {
        TokenView token = create("graced", Permission.PULL, null, 30);
        tokens.reset(member, token.id(), null, 3600);
        LeakedSecrets leaks = new LeakedSecrets(table, macs, tokens, clock);
        assertTrue(leaks.revoke(token.secret(), "https://example.com/leak", "content"));
        assertEquals(TokenStatus.DISABLED, tokens.get(owner, token.id()).status());
        assertNull(tokens.get(owner, token.id()).previousSecretExpiresAt());
        clock.advance(Duration.ofHours(2));
        assertFalse(leaks.revoke(token.secret(), "https://example.com/leak", "content"), "the leak ended the grace: the old secret is no token's any more");
    }

    @Test
    void aLeakedLiveSecretDisablesItsTokenAndAnythingElseWritesNothing() {
        TokenView live = create("leaked", Permission.PULL, null, 30);
        LeakedSecrets leaks = new LeakedSecrets(table, macs, tokens, clock);
        table.resetCalls();
        macs.resetCalls();

        assertFalse(leaks.revoke("rgt_notasecret", "https://example.com/leak", "content"));
        assertEquals(0, macs.calls(), "a malformed secret costs no MAC");
        assertEquals(0, table.totalCalls());

        assertFalse(leaks.revoke(Secrets.generate(), "https://example.com/leak", "content"));
        assertEquals(1, macs.calls());
        assertEquals(0, table.calls("update"), "an unknown secret writes nothing");

        assertTrue(leaks.revoke(live.secret(), "https://example.com/leak", "content"));
        TokenView revoked = tokens.get(owner, live.id());
        assertEquals(TokenStatus.DISABLED, revoked.status());
        assertEquals(TokenRecord.LEAK_REPORTED, revoked.disabledReason());
        assertTrue(table.findToken("team", live.id()).isPresent(), "disabled, not deleted");
        assertTrue(leaks.revoke(live.secret(), "https://example.com/leak", "content"), "reported again: still its current secret");

        String oldSecret = live.secret();
        tokens.setStatus(owner, live.id(), null, TokenStatus.ENABLED);
        tokens.reset(owner, live.id(), null, 0);
        assertFalse(leaks.revoke(oldSecret, "https://example.com/leak", "content"), "a secret replaced by a reset is no token's any more");
        assertEquals(TokenStatus.ENABLED, tokens.get(owner, live.id()).status());
    }
}
