package dev.registrytokens.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Expiry notices' schedules follow each token's expiry, survive a failing scheduler, and fire the right events. */
class ExpirySchedulingTest {
    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");

    private final InMemoryTable table = new InMemoryTable();
    private final MovableClock clock = new MovableClock(START);
    private final InMemoryExpirySchedules schedules = new InMemoryExpirySchedules();
    private final TokenService tokens = new TokenService(table, new InMemorySecretMacs(), clock, schedules);
    private final List<ExpiryEvent> events = new ArrayList<>();
    private final ExpiryNotices notices = new ExpiryNotices(table, events::add, clock);
    private final Membership owner = new Membership("alice", "team", Role.OWNER);

    private TokenView create(String name, Integer days) {
        return tokens.create(owner, new CreateTokenRequest(name, Permission.PULL, null, days, null));
    }

    private long expiry(int days) {
        return START.plus(Duration.ofDays(days)).getEpochSecond();
    }

    private Set<String> names(String id, long expiresAt, String... kinds) {
        Set<String> names = new java.util.TreeSet<>();
        for (String kind : kinds) {
            names.add(id + "-" + kind + "-" + expiresAt);
        }
        return names;
    }

    @Test
    void createSchedulesBothWarningsAndTheExpiryAtTheirTimes() {
        TokenView token = create("ci", 30);
        assertEquals(names(token.id(), expiry(30), "expiring-7d", "expiring-1d", "expired"), schedules.schedules().keySet());
        assertEquals(Set.of(START.plus(Duration.ofDays(23)), START.plus(Duration.ofDays(29)), START.plus(Duration.ofDays(30))),
                Set.copyOf(schedules.schedules().values().stream().map(ExpiryNotice::sendAt).toList()));
    }

    @Test
    void aWarningWhoseTimeHasPassedGetsNoScheduleAndANeverExpiringTokenNone() {
        TokenView soon = create("soon", 3);
        create("forever", null);
        assertEquals(names(soon.id(), expiry(3), "expiring-1d", "expired"), schedules.schedules().keySet());
    }

    @Test
    void editingTheExpiryMovesTheSchedulesAndNeverDeletesThem() {
        TokenView token = create("ci", 30);
        tokens.edit(owner, token.id(), null, new EditTokenRequest(null, false, null, true, 60, false, null));
        assertEquals(names(token.id(), expiry(60), "expiring-7d", "expiring-1d", "expired"), schedules.schedules().keySet());
        tokens.edit(owner, token.id(), null, new EditTokenRequest(null, false, null, true, null, false, null));
        assertEquals(Set.of(), schedules.schedules().keySet());
    }

    @Test
    void anEditThatLeavesTheExpiryAloneMakesNoSchedulerCall() {
        TokenView token = create("ci", 30);
        int before = schedules.calls();
        tokens.edit(owner, token.id(), null, new EditTokenRequest(null, false, null, false, null, true, "new words"));
        assertEquals(before, schedules.calls());
    }

    @Test
    void resetKeepsTheExpirysSchedulesAndRemakesAMissingOne() {
        TokenView token = create("ci", 30);
        Set<String> made = schedules.schedules().keySet();
        schedules.delete(token.id() + "-expiring-7d-" + expiry(30));
        tokens.reset(owner, token.id(), null, 0);
        assertEquals(made, schedules.schedules().keySet());
    }

    @Test
    void deleteRemovesTheSchedules() {
        TokenView token = create("ci", 30);
        create("other", 30);
        tokens.delete(owner, token.id(), null);
        assertTrue(schedules.schedules().keySet().stream().noneMatch(name -> name.startsWith(token.id())));
        assertEquals(3, schedules.schedules().size(), "the other token's stay");
    }

    @Test
    void aFailingSchedulerNeverBlocksTheChangeAndTheReconcileRepairsIt() {
        schedules.unavailable(true);
        TokenView token = create("ci", 30);
        tokens.edit(owner, token.id(), null, new EditTokenRequest(null, false, null, true, 40, false, null));
        assertEquals(expiry(40), table.findToken("team", token.id()).orElseThrow().expiresAt(), "the change committed");
        TokenView deleted = create("gone", 30);
        schedules.unavailable(false);
        schedules.create(new ExpiryNotice("team", deleted.id(), ExpiryNotice.Kind.EXPIRED, expiry(30))); // left by a failed delete
        schedules.unavailable(true);
        tokens.delete(owner, deleted.id(), null);
        schedules.unavailable(false);

        var reconciled = new ExpiryScheduling(schedules, clock).reconcile(table.listTokens("team", 100, null));
        assertEquals(names(token.id(), expiry(40), "expiring-7d", "expiring-1d", "expired"), schedules.schedules().keySet());
        assertEquals(3, reconciled.created());
        assertEquals(1, reconciled.deleted());
    }

    @Test
    void theReconcileLeavesADueScheduleOfTheCurrentExpiryToFire() {
        TokenView token = create("ci", 30);
        clock.advance(Duration.ofDays(23).plusSeconds(1));
        new ExpiryScheduling(schedules, clock).reconcile(table.listTokens("team", 100, null));
        assertEquals(names(token.id(), expiry(30), "expiring-7d", "expiring-1d", "expired"), schedules.schedules().keySet());
    }

    @Test
    void firingDueSchedulesPutsTokenExpiringTwiceThenTokenExpiredAndDeletesEachSchedule() {
        TokenView token = create("ci", 30);
        clock.advance(Duration.ofDays(23));
        schedules.fireDue(clock.instant(), notices);
        clock.advance(Duration.ofDays(6));
        schedules.fireDue(clock.instant(), notices);
        clock.advance(Duration.ofDays(1));
        schedules.fireDue(clock.instant(), notices);
        assertEquals(List.of("Token Expiring", "Token Expiring", "Token Expired"), events.stream().map(ExpiryEvent::detailType).toList());
        assertEquals(List.of(7L, 1L, 0L), events.stream().map(ExpiryEvent::daysLeft).toList());
        ExpiryEvent first = events.getFirst();
        assertEquals(List.of(token.id(), "ci", "team", "team+ci", START.plus(Duration.ofDays(30))),
                List.of(first.tokenId(), first.name(), first.namespace(), first.username(), first.expiresAt()));
        assertEquals(Set.of(), schedules.schedules().keySet(), "each fired schedule is deleted");
    }

    @Test
    void aScheduleLeftOfAMovedExpiryOrADeletedTokenSendsNothing() {
        TokenView token = create("ci", 30);
        ExpiryNotice stale = new ExpiryNotice("team", token.id(), ExpiryNotice.Kind.EXPIRING_7_DAYS, expiry(30));
        tokens.edit(owner, token.id(), null, new EditTokenRequest(null, false, null, true, 60, false, null));
        assertTrue(notices.send(stale).isEmpty());
        TokenView other = create("other", 30);
        tokens.delete(owner, other.id(), null);
        assertTrue(notices.send(new ExpiryNotice("team", other.id(), ExpiryNotice.Kind.EXPIRED, expiry(30))).isEmpty());
        assertEquals(List.of(), events);
    }
}
