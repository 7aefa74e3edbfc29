package dev.registrytokens.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registrytokens.core.CreateTokenRequest;
import dev.registrytokens.core.InMemorySecretMacs;
import dev.registrytokens.core.InMemoryTable;
import dev.registrytokens.core.Membership;
import dev.registrytokens.core.MovableClock;
import dev.registrytokens.core.Permission;
import dev.registrytokens.core.Role;
import dev.registrytokens.core.Secrets;
import dev.registrytokens.core.TokenService;
import dev.registrytokens.core.TokenStatus;
import dev.registrytokens.core.TokenView;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Hot tokens (HotTokens in RegistryLogins) against the in-memory table and MAC key, on a clock the test moves: below
 * the threshold every login reads, above it the environment's copy serves for at most its maximum age, and never a
 * fresh guess.
 */
class HotTokenLoginsTest {
    private static final int THRESHOLD = 10;
    private static final Duration MAX_AGE = Duration.ofSeconds(1);
    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");
    private static final String SOURCE = "192.0.2.10";

    private final InMemoryTable table = new InMemoryTable();
    private final InMemorySecretMacs macs = new InMemorySecretMacs();
    private final MovableClock clock = new MovableClock(START);
    private final TokenService tokens = new TokenService(table, macs, clock);
    private final Membership owner = new Membership("alice", "team", Role.OWNER);
    private final RegistryLogins logins = new RegistryLogins(table, macs, clock, 3, Duration.ofMinutes(5), line -> { },
            new RegistryLogins.HotTokenLimits(THRESHOLD, MAX_AGE));
    private final TokenView token = tokens.create(owner, new CreateTokenRequest("ci", Permission.PULL, null, 30, null));

    private boolean login(String secret) {
        return logins.decide(Optional.of(new BasicCredentials(token.username(), secret)), SOURCE, "request").isPresent();
    }

    /** Logins of the token's secret every {@code interval}, for {@code duration}; answers how many were accepted. */
    private int loginsEvery(Duration interval, Duration duration) {
        int accepted = 0;
        for (Instant end = clock.instant().plus(duration); clock.instant().isBefore(end); clock.advance(interval)) {
            accepted += login(token.secret()) ? 1 : 0;
        }
        return accepted;
    }

    @Test
    void belowTheThresholdEveryLoginReadsAndADisableRefusesTheVeryNextOne() {
        Duration justBelow = Duration.ofMillis(1000 / (THRESHOLD - 1) + 1); // 9 logins per second
        assertEquals(27, loginsEvery(justBelow, Duration.ofSeconds(3)));
        table.resetCalls();
        assertEquals(9, loginsEvery(justBelow, Duration.ofSeconds(1)));
        assertEquals(9, table.calls("findLoginAttempt"), "one read per login");
        tokens.setStatus(owner, token.id(), null, TokenStatus.DISABLED);
        assertFalse(login(token.secret()), "refused at the very next login, at the same instant as the disable");
    }

    @Test
    void aboveTheThresholdReadsAreOnePerMaxAgeWhateverTheRate() {
        Duration hundredPerSecond = Duration.ofMillis(10);
        assertEquals(100, loginsEvery(hundredPerSecond, Duration.ofSeconds(1)));
        table.resetCalls();
        macs.resetCalls();
        assertEquals(500, loginsEvery(hundredPerSecond, Duration.ofSeconds(5)));
        // a read of the record alone when the copy is older than 1 s: every 1.01 s at 10 ms steps
        assertEquals(5, table.calls("refreshLogin"));
        assertEquals(5, table.calls("refreshLogin from a replica"), "each refresh read this environment's replica, not the primary");
        assertEquals(0, table.calls("findLoginAttempt"), "no failure count read");
        assertEquals(0, macs.calls());
        assertEquals(0, table.calls("countLoginGuess"), "known secrets are no guesses");
    }

    @Test
    void aboveTheThresholdADisableReachesLoginsWithinTheMaxAge() {
        Duration hundredPerSecond = Duration.ofMillis(10);
        loginsEvery(hundredPerSecond, Duration.ofMillis(1_500));
        Instant disabledAt = clock.instant();
        tokens.setStatus(owner, token.id(), null, TokenStatus.DISABLED);
        Instant lastAccepted = null;
        int acceptedAfter = 0;
        for (int i = 0; i < 300; i++, clock.advance(hundredPerSecond)) {
            if (login(token.secret())) {
                lastAccepted = clock.instant();
                acceptedAfter++;
            }
        }
        assertTrue(acceptedAfter > 0, "the copy served on after the disable: this test measures the bound");
        assertFalse(lastAccepted.isAfter(disabledAt.plus(MAX_AGE)), "last accepted " + lastAccepted + ", disabled " + disabledAt);
        assertFalse(login(token.secret()));
    }

    @Test
    void aboveTheThresholdAResetRefusesTheOldSecretWithinTheMaxAgeAndTheNewOneWorks() {
        Duration hundredPerSecond = Duration.ofMillis(10);
        loginsEvery(hundredPerSecond, Duration.ofSeconds(2));
        Instant resetAt = clock.instant();
        String newSecret = tokens.reset(owner, token.id(), null, 0).secret();
        clock.advance(MAX_AGE.plusMillis(10));
        assertFalse(login(token.secret()), "the old secret, " + Duration.between(resetAt, clock.instant()) + " after the reset");
        assertTrue(login(newSecret));
    }

    @Test
    void aboveTheThresholdARecordWithoutReplicasIsRefreshedFromThePrimaryAndADisableReachesItWithinTheMaxAge() {
        table.removeReplicas(token.username());
        Duration hundredPerSecond = Duration.ofMillis(10);
        assertEquals(150, loginsEvery(hundredPerSecond, Duration.ofMillis(1_500)));
        tokens.setStatus(owner, token.id(), null, TokenStatus.DISABLED);
        clock.advance(MAX_AGE.plusMillis(10));
        assertFalse(login(token.secret()));
        assertTrue(table.calls("refreshLogin from the primary") > 0);
        assertEquals(0, table.calls("refreshLogin from a replica"));
    }

    @Test
    void theCopyNeverServesAFreshGuess() {
        Duration hundredPerSecond = Duration.ofMillis(10);
        loginsEvery(hundredPerSecond, Duration.ofMillis(1_500));
        table.resetCalls();
        macs.resetCalls();
        assertFalse(login(Secrets.generate()), "a guess while the copy is fresh");
        assertEquals(1, table.calls("findLoginAttempt"), "the guess read the record");
        assertEquals(1, table.calls("countLoginGuess"), "and was counted against its source");
        assertEquals(1, macs.calls(), "and cost its MAC");
        clock.advance(hundredPerSecond);
        assertTrue(login(token.secret()));
        assertEquals(1, table.calls("findLoginAttempt") + table.calls("refreshLogin"), "the known secret is served from the copy again");
    }

    @Test
    void aHotTokenThatCoolsDownReadsOnEveryLoginAgain() {
        loginsEvery(Duration.ofMillis(10), Duration.ofSeconds(2));
        clock.advance(Duration.ofSeconds(2)); // no logins for two whole seconds
        table.resetCalls();
        login(token.secret());
        tokens.setStatus(owner, token.id(), null, TokenStatus.DISABLED);
        assertFalse(login(token.secret()), "cool again: the next login reads");
        assertEquals(2, table.calls("findLoginAttempt"));
    }
}
