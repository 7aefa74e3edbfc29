package dev.registrytokens.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.registrytokens.core.CreateTokenRequest;
import dev.registrytokens.core.DomainException;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The rules of registry logins against the in-memory table and MAC key, on a clock the test moves: throttling per
 * source and window, remembered verdicts, what costs a read, a guess or a MAC. No emulator, no process, no network.
 */
class RegistryLoginRulesTest {
    private static final int LIMIT = 3;
    private static final Duration WINDOW = Duration.ofMinutes(5);
    /** One second into a failure window. */
    private static final Instant START = Instant.ofEpochSecond(Instant.parse("2026-03-01T10:00:00Z").getEpochSecond() / 300 * 300 + 1);
    private static final String SOURCE = "192.0.2.10";

    private final InMemoryTable table = new InMemoryTable();
    private final InMemorySecretMacs macs = new InMemorySecretMacs();
    private final MovableClock clock = new MovableClock(START);
    private final TokenService tokens = new TokenService(table, macs, clock);
    private final Membership owner = new Membership("alice", "team", Role.OWNER);
    private final List<String> decisions = new ArrayList<>();
    private final RegistryLogins logins = environment();

    /** An execution environment: its own remembered verdicts, the same table and key. */
    private RegistryLogins environment() {
        return new RegistryLogins(table, macs, clock, LIMIT, WINDOW, decisions::add);
    }

    private TokenView token(String name, Integer days) {
        return tokens.create(owner, new CreateTokenRequest(name, Permission.PULL, null, days, null));
    }

    private static Optional<BasicCredentials> basic(String username, String secret) {
        return Optional.of(new BasicCredentials(username, secret));
    }

    private boolean login(RegistryLogins environment, String username, String secret, String source) {
        return environment.decide(basic(username, secret), source, "request").isPresent();
    }

    private void resetCalls() {
        table.resetCalls();
        macs.resetCalls();
    }

    @Test
    void theRightSecretCostsOneReadAndOneMacThenOnlyTheRead() {
        TokenView token = token("ci", 30);
        resetCalls();
        RegistryLogins.Login login = logins.decide(basic(token.username(), token.secret()), SOURCE, "r1").orElseThrow();
        assertEquals(new RegistryLogins.Login(token.id(), "team", token.username(), Permission.PULL, null), login);
        assertEquals(1, table.calls("findLoginAttempt"));
        assertEquals(1, macs.calls());
        assertEquals(0, table.failures(SOURCE, window()), "a guess that proved right is taken back");
        resetCalls();
        for (int i = 0; i < 5; i++) {
            assertTrue(login(logins, token.username(), token.secret(), SOURCE));
        }
        assertEquals(5, table.totalCalls(), "the login read only: no guess, and lastUsedAt was recorded a moment ago");
        assertEquals(0, macs.calls());
    }

    @Test
    void malformedSecretsAndMissingSourcesCostNothing() {
        TokenView token = token("ci", 30);
        String secret = token.secret();
        String badChecksum = secret.substring(0, secret.length() - 1) + (secret.endsWith("A") ? "B" : "A");
        resetCalls();
        assertFalse(login(logins, token.username(), badChecksum, SOURCE));
        assertFalse(login(logins, token.username(), "password123", SOURCE));
        assertFalse(login(logins, token.username(), secret, null));
        assertFalse(login(logins, token.username(), secret, "registry.example.com"));
        assertFalse(logins.decide(Optional.empty(), SOURCE, "none").isPresent());
        assertEquals(0, table.totalCalls());
        assertEquals(0, macs.calls());
    }

    @Test
    void unknownDisabledAndExpiredTokensAreRefusedWithoutAMacOrAGuess() {
        TokenView disabled = token("off", 30);
        tokens.setStatus(owner, disabled.id(), null, TokenStatus.DISABLED);
        TokenView expiring = token("old", 1);
        resetCalls();
        assertFalse(login(logins, "team+nobody", Secrets.generate(), SOURCE));
        assertFalse(login(logins, disabled.username(), disabled.secret(), SOURCE));
        assertTrue(login(logins, expiring.username(), expiring.secret(), SOURCE));
        clock.advance(Duration.ofDays(1));
        macs.resetCalls();
        assertFalse(login(logins, expiring.username(), expiring.secret(), SOURCE), "expired at the second it ends");
        assertEquals(0, macs.calls());
        assertEquals(1, table.calls("countLoginGuess"), "only the first, verified login was counted (and taken back)");
    }

    @Test
    void aSourceIsStoppedAtItsLimitUntilTheWindowPassesAndOthersAreNot() {
        TokenView token = token("ci", 30);
        resetCalls();
        for (int i = 0; i < 3 * LIMIT; i++) {
            assertFalse(login(logins, token.username(), Secrets.generate(), SOURCE));
        }
        assertEquals(LIMIT, macs.calls(), "a MAC per counted guess, none past the limit");
        assertEquals(LIMIT, table.failures(SOURCE, window()));
        assertFalse(login(environment(), token.username(), token.secret(), SOURCE),
                "an environment that has not verified the secret needs a guess, which the source no longer has");
        assertTrue(login(environment(), token.username(), token.secret(), "192.0.2.11"), "another source");

        clock.advance(WINDOW.minusSeconds(2));
        assertFalse(login(environment(), token.username(), token.secret(), SOURCE), "the window's last second");
        clock.advance(Duration.ofSeconds(1));
        assertTrue(login(environment(), token.username(), token.secret(), SOURCE), "the next window");
    }

    @Test
    void aSecretVerifiedHereIsAcceptedFromASourceOverItsLimitWithoutAMacOrAGuess() {
        TokenView token = token("ci", 30);
        assertTrue(login(logins, token.username(), token.secret(), "192.0.2.11"));
        for (int i = 0; i < LIMIT + 2; i++) {
            assertFalse(login(logins, token.username(), Secrets.generate(), SOURCE));
        }
        resetCalls();
        assertTrue(login(logins, token.username(), token.secret(), SOURCE));
        assertEquals(0, macs.calls());
        assertEquals(0, table.calls("countLoginGuess"));
        assertEquals(LIMIT, table.failures(SOURCE, window()));
    }

    @Test
    void aRepeatedWrongSecretCostsOneMacAndOneGuess() {
        TokenView token = token("ci", 30);
        String wrong = Secrets.generate();
        resetCalls();
        for (int i = 0; i < 5; i++) {
            assertFalse(login(logins, token.username(), wrong, SOURCE));
        }
        assertEquals(1, macs.calls());
        assertEquals(1, table.failures(SOURCE, window()));
    }

    @Test
    void rememberedVerdictsEndWithAResetAndAfterFifteenMinutes() {
        TokenView token = token("ci", 30);
        assertTrue(login(logins, token.username(), token.secret(), SOURCE));
        TokenView reset = tokens.reset(owner, token.id(), null, 0);
        assertFalse(login(logins, token.username(), token.secret(), SOURCE), "the stored MAC changed: the verdict no longer holds");
        assertTrue(login(logins, token.username(), reset.secret(), SOURCE));

        macs.resetCalls();
        clock.advance(Duration.ofMinutes(14));
        assertTrue(login(logins, token.username(), reset.secret(), SOURCE));
        assertEquals(0, macs.calls());
        clock.advance(Duration.ofMinutes(1));
        assertTrue(login(logins, token.username(), reset.secret(), SOURCE));
        assertEquals(1, macs.calls(), "fifteen minutes on, the key is asked again");
    }

    @Test
    void bothSecretsLogInDuringAGraceAndOnlyTheNewOneAfterRememberedOrNot() {
        TokenView token = token("ci", 30);
        assertTrue(login(logins, token.username(), token.secret(), SOURCE), "remembered before the reset");
        TokenView reset = tokens.reset(owner, token.id(), null, 60);
        RegistryLogins fresh = environment();
        for (RegistryLogins environment : List.of(logins, fresh)) {
            assertTrue(login(environment, token.username(), token.secret(), SOURCE), "the old secret, in its grace");
            assertTrue(login(environment, token.username(), reset.secret(), SOURCE), "the new secret");
        }
        macs.resetCalls();
        assertTrue(login(logins, token.username(), token.secret(), SOURCE));
        assertTrue(login(logins, token.username(), reset.secret(), SOURCE));
        assertEquals(0, macs.calls(), "during the grace both verdicts are remembered");

        clock.advance(Duration.ofSeconds(60));
        for (RegistryLogins environment : List.of(logins, fresh)) {
            assertFalse(login(environment, token.username(), token.secret(), SOURCE), "the grace is over, remembered verdicts too");
            assertTrue(login(environment, token.username(), reset.secret(), SOURCE));
        }
        assertEquals("bad_secret", json(decisions.get(decisions.size() - 2)).get("reason").asText());
    }

    @Test
    void aSecondResetEndsTheFirstGraceAtOnce() {
        TokenView token = token("ci", 30);
        TokenView first = tokens.reset(owner, token.id(), null, 3600);
        assertTrue(login(logins, token.username(), token.secret(), SOURCE));
        TokenView second = tokens.reset(owner, token.id(), null, 3600);
        assertFalse(login(logins, token.username(), token.secret(), SOURCE), "three secrets are never valid");
        assertTrue(login(logins, token.username(), first.secret(), SOURCE));
        assertTrue(login(logins, token.username(), second.secret(), SOURCE));
    }

    @Test
    void disablingDuringAGraceRefusesBothSecretsEvenOnceEnabledAgain() {
        TokenView token = token("ci", 30);
        TokenView reset = tokens.reset(owner, token.id(), null, 3600);
        assertTrue(login(logins, token.username(), token.secret(), SOURCE));
        tokens.setStatus(owner, token.id(), null, TokenStatus.DISABLED);
        assertFalse(login(logins, token.username(), token.secret(), SOURCE));
        assertFalse(login(logins, token.username(), reset.secret(), SOURCE));
        tokens.setStatus(owner, token.id(), null, TokenStatus.ENABLED);
        assertFalse(login(logins, token.username(), token.secret(), SOURCE), "enabling does not revive the grace");
        assertTrue(login(logins, token.username(), reset.secret(), SOURCE));
    }

    @Test
    void aSourceOutsideTheAllowListIsRefusedWithoutAMacOrACountedGuess() {
        TokenView token = tokens.create(owner, new CreateTokenRequest("ci", Permission.PULL, null, 30, null, List.of("127.0.0.3/32")));
        resetCalls();
        assertFalse(login(logins, token.username(), token.secret(), "127.0.0.2"));
        assertEquals(0, macs.calls());
        assertEquals(0, table.calls("countLoginGuess"));
        assertEquals(0, table.failures("127.0.0.2", window()));
        assertEquals("source_not_allowed", json(decisions.getLast()).get("reason").asText());

        assertTrue(login(logins, token.username(), token.secret(), "127.0.0.3"));
        assertFalse(login(logins, token.username(), token.secret(), "127.0.0.2"), "a remembered secret is no way round the list");
    }

    @Test
    void anIpv6AllowListMatchesItsBlockOnly() {
        TokenView token = tokens.create(owner, new CreateTokenRequest("v6", Permission.PULL, null, 30, null, List.of("2001:db8:1::/48")));
        assertTrue(login(logins, token.username(), token.secret(), "2001:db8:1:ffff::5"));
        assertFalse(login(logins, token.username(), token.secret(), "2001:db8:2::5"));
        assertFalse(login(logins, token.username(), token.secret(), "192.0.2.10"));
    }

    @Test
    void aKeyServiceFailureIsNoFailureOfTheSourceAndFailsTheLogin() {
        TokenView token = token("ci", 30);
        macs.unavailable(true);
        assertThrows(DomainException.Unavailable.class, () -> logins.decide(basic(token.username(), token.secret()), SOURCE, "r"));
        assertEquals(0, table.failures(SOURCE, window()), "the guess was taken back");
        JsonNode line = json(decisions.getLast());
        assertFalse(line.get("allowed").asBoolean());
        assertEquals("The key service: timeout (injected)", line.get("failure").asText());
    }

    @Test
    void lastUsedIsRecordedAtMostOncePerMinutePerEnvironment() {
        TokenView token = token("ci", 30);
        assertTrue(login(logins, token.username(), token.secret(), SOURCE));
        assertEquals(START.toString(), tokens.get(owner, token.id()).lastUsedAt());
        table.resetCalls();
        clock.advance(Duration.ofSeconds(59));
        assertTrue(login(logins, token.username(), token.secret(), SOURCE));
        assertEquals(0, table.calls("recordUsage"));
        clock.advance(Duration.ofSeconds(2));
        assertTrue(login(logins, token.username(), token.secret(), SOURCE));
        assertEquals(1, table.calls("recordUsage"));
        assertEquals(START.plusSeconds(61).toString(), tokens.get(owner, token.id()).lastUsedAt());
    }

    @Test
    void eachDecisionIsLoggedWithItsReasonAndNeverTheSecret() {
        TokenView token = token("ci", 30);
        TokenView disabled = token("off", 30);
        tokens.setStatus(owner, disabled.id(), null, TokenStatus.DISABLED);
        String wrong = Secrets.generate();
        login(logins, token.username(), token.secret(), SOURCE);
        login(logins, "team+nobody", token.secret(), SOURCE);
        login(logins, token.username(), wrong, SOURCE);
        login(logins, disabled.username(), disabled.secret(), SOURCE);
        login(logins, token.username(), "not-a-secret", SOURCE);
        logins.decide(Optional.empty(), SOURCE, "none");
        for (int i = 0; i < LIMIT; i++) {
            login(logins, token.username(), Secrets.generate(), SOURCE);
        }
        login(environment(), token.username(), token.secret(), SOURCE);
        login(logins, token.secret(), token.secret(), SOURCE);

        List<JsonNode> lines = decisions.stream().map(RegistryLoginRulesTest::json).toList();
        assertEquals(List.of("null", "unknown_user", "bad_secret", "disabled", "malformed", "no_credentials"),
                lines.subList(0, 6).stream().map(line -> line.get("reason").asText("null")).toList());
        assertEquals(token.id(), lines.getFirst().get("tokenId").asText());
        assertEquals("source_over_limit", lines.get(lines.size() - 2).get("reason").asText());
        assertEquals("[withheld: holds the secret prefix]", lines.getLast().get("username").asText());
        for (String line : decisions) {
            assertFalse(line.contains(token.secret()) || line.contains(wrong) || line.contains(disabled.secret()), line);
        }
    }

    @Test
    void primingForgetsEveryVerdict() {
        TokenView token = token("ci", 30);
        assertTrue(login(logins, token.username(), token.secret(), SOURCE));
        logins.prime();
        macs.resetCalls();
        assertTrue(login(logins, token.username(), token.secret(), SOURCE));
        assertEquals(1, macs.calls());
    }

    private long window() {
        return clock.instant().getEpochSecond() / WINDOW.toSeconds();
    }

    private static JsonNode json(String line) {
        try {
            return new ObjectMapper().readTree(line);
        } catch (Exception e) {
            throw new AssertionError(line, e);
        }
    }
}
