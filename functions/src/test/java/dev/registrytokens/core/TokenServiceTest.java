package dev.registrytokens.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The token lifecycle's rules against the in-memory table and MAC key: no emulator, no process, no network. */
class TokenServiceTest {
    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");

    private final InMemoryTable table = new InMemoryTable();
    private final InMemorySecretMacs macs = new InMemorySecretMacs();
    private final MovableClock clock = new MovableClock(START);
    private final TokenService tokens = new TokenService(table, macs, clock);
    private final Membership owner = new Membership("alice", "team", Role.OWNER);
    private final Membership member = new Membership("bob", "team", Role.MEMBER);
    private final Membership viewer = new Membership("carol", "team", Role.VIEWER);

    private TokenView create(Membership by, String name, Integer days) {
        return tokens.create(by, new CreateTokenRequest(name, Permission.PULL, null, days, null));
    }

    @Test
    void createShowsTheSecretOnceAndStoresOnlyItsMacUnderTheUsername() {
        TokenView created = create(owner, "ci", 30);
        assertTrue(Secrets.isWellFormed(created.secret()));
        assertEquals("team+ci", created.username());
        assertEquals(1, created.version());
        assertEquals(START.plus(Duration.ofDays(30)).toString(), created.expiresAt());
        LoginRecord login = table.findLogin("team+ci").orElseThrow();
        assertArrayEquals(macs.macOf(created.secret()), login.mac());
        assertEquals(created.id(), login.tokenId());
        assertNull(tokens.get(owner, created.id()).secret(), "a read never shows the secret");
    }

    @Test
    void aNameIsTakenUntilItsTokenExpiresThenFreeAgain() {
        create(owner, "ci", 1);
        DomainException.Conflict taken = assertThrows(DomainException.Conflict.class, () -> create(member, "ci", 1));
        assertEquals("name_taken", taken.code());
        clock.advance(Duration.ofDays(1));
        TokenView again = create(member, "ci", 1);
        assertEquals("team+ci", again.username());
        assertEquals(again.id(), table.findLogin("team+ci").orElseThrow().tokenId());
    }

    @Test
    void createWritesNothingWhenTheKeyServiceFails() {
        macs.unavailable(true);
        assertThrows(DomainException.Unavailable.class, () -> create(owner, "ci", 30));
        assertEquals(0, table.calls("create"));
        assertTrue(table.findLogin("team+ci").isEmpty());
    }

    @Test
    void viewersOnlyReadMembersChangeTheirOwnOwnersAny() {
        TokenView byMember = create(member, "mine", 30);
        TokenView byOwner = create(owner, "theirs", 30);
        assertThrows(DomainException.Forbidden.class, () -> create(viewer, "nope", 30));
        assertEquals(byMember.id(), tokens.get(viewer, byMember.id()).id());
        assertThrows(DomainException.Forbidden.class, () -> tokens.setStatus(viewer, byMember.id(), null, TokenStatus.DISABLED));
        assertThrows(DomainException.Forbidden.class, () -> tokens.setStatus(member, byOwner.id(), null, TokenStatus.DISABLED));
        assertEquals(TokenStatus.DISABLED, tokens.setStatus(member, byMember.id(), null, TokenStatus.DISABLED).status());
        assertEquals(TokenStatus.DISABLED, tokens.setStatus(owner, byOwner.id(), null, TokenStatus.DISABLED).status());
    }

    @Test
    void aTokenOfAnotherNamespaceOrAMalformedIdIsNotFound() {
        TokenView token = create(owner, "ci", 30);
        Membership elsewhere = new Membership("alice", "other", Role.OWNER);
        assertThrows(DomainException.NotFound.class, () -> tokens.get(elsewhere, token.id()));
        assertThrows(DomainException.NotFound.class, () -> tokens.delete(elsewhere, token.id(), null));
        table.resetCalls();
        assertThrows(DomainException.NotFound.class, () -> tokens.get(owner, "not-an-id"));
        assertEquals(0, table.totalCalls(), "a malformed id is refused before any read");
    }

    @Test
    void listsNewestFirstInPagesWhoseLastHasNoCursor() {
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.addFirst(create(owner, "t" + i, 30).id());
            clock.advance(Duration.ofMillis(5));
        }
        TokenPage first = tokens.list(owner, 2, null);
        TokenPage second = tokens.list(owner, 2, first.nextCursor());
        TokenPage last = tokens.list(owner, 2, second.nextCursor());
        assertEquals(ids, java.util.stream.Stream.of(first, second, last)
                .flatMap(page -> page.items().stream()).map(TokenView::id).toList());
        assertNull(last.nextCursor());
        assertEquals("limit", assertThrows(DomainException.InvalidInput.class, () -> tokens.list(owner, 0, null)).field());
        assertEquals("cursor", assertThrows(DomainException.InvalidInput.class, () -> tokens.list(owner, 2, "x")).field());
    }

    @Test
    void anEditChangesWhatItGivesBumpsTheVersionOnceAndKeepsWhatLoginsWrote() {
        TokenView token = create(owner, "ci", 30);
        LoginRecord login = table.findLogin("team+ci").orElseThrow();
        table.recordUsage(login, new UsageUpdate(START, Map.of(), Map.of(), null, Set.of(), Set.of()));
        clock.advance(Duration.ofHours(1));
        TokenView edited = tokens.edit(owner, token.id(), null,
                new EditTokenRequest(Permission.PULL_PUSH, false, null, true, null, false, null));
        assertEquals(2, edited.version());
        assertEquals(Permission.PULL_PUSH, edited.permission());
        assertNull(edited.expiresAt(), "an explicit null expiry: never");
        assertEquals(START.toString(), edited.lastUsedAt());
        LoginRecord after = table.findLogin("team+ci").orElseThrow();
        assertEquals(Permission.PULL_PUSH, after.permission());
        assertNull(after.expiresAt());
        assertArrayEquals(login.mac(), after.mac(), "an edit keeps the secret");

        TokenView unchanged = tokens.edit(owner, token.id(), null,
                new EditTokenRequest(Permission.PULL_PUSH, false, null, false, null, false, null));
        assertEquals(2, unchanged.version(), "nothing to change: no write");
    }

    @Test
    void ifMatchPinsTheVersionAndALostRaceWithoutItIsRetried() {
        TokenView token = create(owner, "ci", 30);
        EditTokenRequest describe = new EditTokenRequest(null, false, null, false, null, true, "mine");
        assertThrows(DomainException.PreconditionFailed.class, () -> tokens.edit(owner, token.id(), 7L, describe));

        table.beforeNextUpdate(() -> tokens.setStatus(owner, token.id(), null, TokenStatus.DISABLED));
        assertThrows(DomainException.PreconditionFailed.class, () -> tokens.edit(owner, token.id(), 1L, describe),
                "pinned to version 1, which another write moved on from");

        table.beforeNextUpdate(() -> tokens.setStatus(owner, token.id(), null, TokenStatus.ENABLED));
        TokenView edited = tokens.edit(owner, token.id(), null, describe);
        assertEquals("mine", edited.description());
        assertEquals(TokenStatus.ENABLED, edited.status(), "the other write landed first, and this one after it");
        assertEquals(4, edited.version());
    }

    @Test
    void anExpiredTokenCanBeReadAndDeletedButNotChanged() {
        TokenView token = create(owner, "ci", 1);
        clock.advance(Duration.ofDays(1));
        assertTrue(tokens.get(owner, token.id()).expired());
        DomainException.Conflict expired = assertThrows(DomainException.Conflict.class,
                () -> tokens.setStatus(owner, token.id(), null, TokenStatus.DISABLED));
        assertEquals("token_expired", expired.code());
        assertThrows(DomainException.Conflict.class, () -> tokens.reset(owner, token.id(), null, 0));
        tokens.delete(owner, token.id(), null);
        assertThrows(DomainException.NotFound.class, () -> tokens.get(owner, token.id()));
    }

    @Test
    void aResetReplacesTheMacSoOnlyTheNewSecretMatches() {
        TokenView token = create(owner, "ci", 30);
        TokenView reset = tokens.reset(owner, token.id(), null, 0);
        assertNotEquals(token.secret(), reset.secret());
        assertEquals(2, reset.version());
        byte[] stored = table.findLogin("team+ci").orElseThrow().mac();
        assertTrue(SecretMacs.sameMac(macs.macOf(reset.secret()), stored));
        assertFalse(SecretMacs.sameMac(macs.macOf(token.secret()), stored));
    }

    @Test
    void aResetWithAGraceKeepsTheOldMacUntilItsEndAndShowsWhen() {
        TokenView token = create(owner, "ci", 30);
        TokenView reset = tokens.reset(owner, token.id(), null, 3600);
        assertEquals(START.plusSeconds(3600).toString(), reset.previousSecretExpiresAt());
        LoginRecord login = table.findLogin("team+ci").orElseThrow();
        assertTrue(SecretMacs.sameMac(macs.macOf(reset.secret()), login.mac()));
        assertTrue(SecretMacs.sameMac(macs.macOf(token.secret()), login.previousMacAt(START)));
        assertEquals(START.plusSeconds(3600).toString(), tokens.get(owner, token.id()).previousSecretExpiresAt());
        assertEquals(START.plusSeconds(3600).toString(), tokens.list(owner, 10, null).items().getFirst().previousSecretExpiresAt());

        clock.advance(Duration.ofSeconds(3600));
        assertNull(table.findLogin("team+ci").orElseThrow().previousMacAt(clock.instant()), "the grace is over");
        assertNull(tokens.get(owner, token.id()).previousSecretExpiresAt());
    }

    @Test
    void aSecondResetEndsTheFirstGraceSoAtMostTwoSecretsAreValid() {
        TokenView token = create(owner, "ci", 30);
        TokenView first = tokens.reset(owner, token.id(), null, 3600);
        TokenView second = tokens.reset(owner, token.id(), null, 60);
        LoginRecord login = table.findLogin("team+ci").orElseThrow();
        assertTrue(SecretMacs.sameMac(macs.macOf(second.secret()), login.mac()));
        assertTrue(SecretMacs.sameMac(macs.macOf(first.secret()), login.previousMacAt(START)));
        assertEquals(START.plusSeconds(60).toString(), second.previousSecretExpiresAt());

        tokens.reset(owner, token.id(), null, 0);
        LoginRecord after = table.findLogin("team+ci").orElseThrow();
        assertNull(after.previousMac(), "a reset without a grace ends the running one at once");
        assertNull(tokens.get(owner, token.id()).previousSecretExpiresAt());
    }

    @Test
    void disablingEndsAGraceForGoodAndEnablingDoesNotReviveIt() {
        TokenView token = create(owner, "ci", 30);
        tokens.reset(owner, token.id(), null, 3600);
        tokens.setStatus(owner, token.id(), null, TokenStatus.DISABLED);
        tokens.setStatus(owner, token.id(), null, TokenStatus.ENABLED);
        assertNull(table.findLogin("team+ci").orElseThrow().previousMac());
        assertNull(tokens.get(owner, token.id()).previousSecretExpiresAt());
    }

    @Test
    void aGraceOutsideZeroToADayIsRefusedBeforeAnyMac() {
        TokenView token = create(owner, "ci", 30);
        macs.resetCalls();
        for (int grace : new int[] {-1, 86_401}) {
            DomainException.InvalidInput refused = assertThrows(DomainException.InvalidInput.class,
                    () -> tokens.reset(owner, token.id(), null, grace));
            assertEquals("graceSeconds", refused.field());
        }
        assertEquals(0, macs.calls());
        assertEquals(START.plusSeconds(86_400).toString(), tokens.reset(owner, token.id(), null, 86_400).previousSecretExpiresAt());
    }

    @Test
    void allowedSourcesAreSetOnCreateClearedByAnEditAndReachTheLoginRecord() {
        TokenView token = tokens.create(owner, new CreateTokenRequest("ci", Permission.PULL, null, 30, null, List.of("127.0.0.3/32")));
        assertEquals(List.of("127.0.0.3/32"), token.allowedSources());
        assertEquals(List.of("127.0.0.3/32"), table.findLogin("team+ci").orElseThrow().allowedSources());
        TokenView edited = tokens.edit(owner, token.id(), null,
                new EditTokenRequest(null, false, null, false, null, false, null, true, List.of("10.0.0.0/8")));
        assertEquals(List.of("10.0.0.0/8"), edited.allowedSources());
        assertEquals(List.of("10.0.0.0/8"), table.findLogin("team+ci").orElseThrow().allowedSources());
        TokenView anywhere = tokens.edit(owner, token.id(), null,
                new EditTokenRequest(null, false, null, false, null, false, null, true, null));
        assertNull(anywhere.allowedSources());
        assertNull(table.findLogin("team+ci").orElseThrow().allowedSources());
    }

    @Test
    void aResetAskedOfByAViewerCostsNoMac() {
        TokenView token = create(owner, "ci", 30);
        macs.resetCalls();
        assertThrows(DomainException.Forbidden.class, () -> tokens.reset(viewer, token.id(), null, 0));
        assertEquals(0, macs.calls());
    }

    @Test
    void settingTheStatusATokenHasChangesNothing() {
        TokenView token = create(owner, "ci", 30);
        table.resetCalls();
        assertEquals(1, tokens.setStatus(owner, token.id(), null, TokenStatus.ENABLED).version());
        assertEquals(0, table.calls("update"));
    }

    @Test
    void aDeleteFreesTheUsernameAndHonoursIfMatch() {
        TokenView token = create(owner, "ci", 30);
        assertThrows(DomainException.PreconditionFailed.class, () -> tokens.delete(owner, token.id(), 2L));
        tokens.delete(owner, token.id(), 1L);
        assertTrue(table.findLogin("team+ci").isEmpty());
        assertThrows(DomainException.NotFound.class, () -> tokens.get(owner, token.id()));
        assertEquals("team+ci", create(owner, "ci", 30).username());
    }
}
