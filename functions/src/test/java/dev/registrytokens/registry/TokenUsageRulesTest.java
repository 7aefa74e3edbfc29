package dev.registrytokens.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Usage per token as registry logins record it, against the in-memory table on a clock the test moves: the last five
 * distinct sources, refusals counted by reason over 24 hours, and at most one write per token a minute per execution
 * environment, however many logins or refusals. No emulator, no process, no network.
 */
class TokenUsageRulesTest {
    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");
    private static final String DOCKER = "docker/28.2.2 go/go1.24.3 git-commit/e6534b4 kernel/6.8.0 os/linux arch/amd64";

    private final InMemoryTable table = new InMemoryTable();
    private final InMemorySecretMacs macs = new InMemorySecretMacs();
    private final MovableClock clock = new MovableClock(START);
    private final TokenService tokens = new TokenService(table, macs, clock);
    private final Membership owner = new Membership("alice", "team", Role.OWNER);
    private final RegistryLogins logins = environment();

    /** An execution environment: its own gathered usage, the same table. */
    private RegistryLogins environment() {
        return new RegistryLogins(table, macs, clock, 3, Duration.ofMinutes(5), line -> { });
    }

    private TokenView token(String name) {
        return tokens.create(owner, new CreateTokenRequest(name, Permission.PULL, null, 30, null));
    }

    private static boolean login(RegistryLogins environment, TokenView token, String secret, String source, String userAgent) {
        return environment.decide(Optional.of(new BasicCredentials(token.username(), secret)), source, userAgent, "request").isPresent();
    }

    private TokenView view(TokenView token) {
        return tokens.get(owner, token.id());
    }

    private static List<String> ips(TokenView view) {
        return view.recentSources().stream().map(TokenView.UsedFrom::ip).toList();
    }

    @Test
    void sevenSourcesLeaveTheLastFiveNewestFirstWithTheirClients() {
        TokenView token = token("ci");
        for (int i = 2; i <= 8; i++) {
            assertTrue(login(logins, token, token.secret(), "127.0.0." + i, "client" + i + "/1." + i + " (extra)"));
            clock.advance(Duration.ofSeconds(61)); // each its own write
        }
        TokenView view = view(token);
        assertEquals(List.of("127.0.0.8", "127.0.0.7", "127.0.0.6", "127.0.0.5", "127.0.0.4"), ips(view));
        assertEquals(new TokenView.UsedFrom("127.0.0.8", "client8/1.8", START.plusSeconds(6 * 61).toString()), view.recentSources().getFirst());
        assertEquals(START.plusSeconds(6 * 61).toString(), view.lastUsedAt());
        assertTrue(table.findToken("team", token.id()).orElseThrow().usage().sources().size() <= 6,
                "each write removes the sources the previous one left beyond five");
    }

    @Test
    void sourcesWithinTheMinuteAreGatheredAndWrittenByTheNextLoginAfterIt() {
        TokenView token = token("ci");
        table.resetCalls();
        for (int i = 2; i <= 8; i++) {
            assertTrue(login(logins, token, token.secret(), "127.0.0." + i, DOCKER));
            clock.advance(Duration.ofSeconds(1));
        }
        assertEquals(1, table.calls("recordUsage"), "one write in the minute, by its first login");
        assertEquals(List.of("127.0.0.2"), ips(view(token)));
        clock.advance(Duration.ofSeconds(60));
        assertTrue(login(logins, token, token.secret(), "127.0.0.8", DOCKER));
        assertEquals(2, table.calls("recordUsage"));
        TokenView view = view(token);
        assertEquals(List.of("127.0.0.8", "127.0.0.7", "127.0.0.6", "127.0.0.5", "127.0.0.4"), ips(view));
        assertEquals("docker/28.2.2", view.recentSources().getFirst().client());
        assertEquals(clock.instant().toString(), view.lastUsedAt());
    }

    @Test
    void eachEnvironmentWritesAtMostOncePerTokenPerMinute() {
        TokenView first = token("first");
        TokenView second = token("second");
        RegistryLogins other = environment();
        table.resetCalls();
        for (int i = 0; i < 50; i++) {
            assertTrue(login(logins, first, first.secret(), "192.0.2.1", DOCKER));
            assertTrue(login(logins, second, second.secret(), "192.0.2.2", DOCKER));
            assertTrue(login(other, first, first.secret(), "192.0.2.3", DOCKER));
            clock.advance(Duration.ofMillis(1100)); // 55 s in all
        }
        assertEquals(3, table.calls("recordUsage"), "two tokens in one environment, one in the other");
        clock.advance(Duration.ofSeconds(6));
        assertTrue(login(logins, first, first.secret(), "192.0.2.1", DOCKER));
        assertEquals(4, table.calls("recordUsage"));
        assertEquals(List.of("192.0.2.1", "192.0.2.3"), ips(view(first)));
    }

    @Test
    void refusalsOfAnExistingTokenAreCountedByReasonWithTheLastOne() {
        TokenView token = token("ci");
        assertTrue(login(logins, token, token.secret(), "192.0.2.1", DOCKER)); // this minute's write
        for (int i = 0; i < 4; i++) {
            assertFalse(login(logins, token, Secrets.generate(), "198.51.100.7", "skopeo/1.16.1"));
        }
        // the fourth wrong secret from one source is over its limit of three
        TokenView disabled = tokens.setStatus(owner, token.id(), null, TokenStatus.DISABLED);
        assertFalse(login(logins, token, token.secret(), "203.0.113.5", "containerd/2.4.2+unknown"));
        assertFalse(login(logins, token, Secrets.generate(), "203.0.113.5", null), "malformed: not counted");
        assertFalse(environment().decide(Optional.of(new BasicCredentials("team+nobody", Secrets.generate())), "203.0.113.5",
                DOCKER, "r").isPresent(), "an unknown username has no token to count against");
        clock.advance(Duration.ofSeconds(61));
        assertFalse(login(logins, token, token.secret(), "203.0.113.6", "containerd/2.4.2+unknown"));

        TokenView view = view(token);
        assertEquals(Map.of("bad_secret", 3L, "source_over_limit", 1L, "disabled", 3L), view.refusedLogins24hByReason());
        assertEquals(7, view.refusedLogins24h());
        assertEquals(new TokenView.LastRefusal("203.0.113.6", "containerd/2.4.2+unknown", "disabled", clock.instant().toString()),
                view.lastRefusal());
        assertEquals(List.of("192.0.2.1"), ips(view), "refusals are no sources of successful logins");
        assertEquals(TokenStatus.DISABLED, disabled.status());
    }

    @Test
    void expiredTokensRefusalsAreCounted() {
        TokenView token = tokens.create(owner, new CreateTokenRequest("short", Permission.PULL, null, 1, null));
        clock.advance(Duration.ofDays(1).plusSeconds(1));
        assertFalse(login(logins, token, token.secret(), "192.0.2.1", DOCKER));
        assertEquals(Map.of("expired", 1L), table.findToken("team", token.id()).orElseThrow().usage().refusedWithin24h(clock.instant()));
    }

    @Test
    void aHammeredDisabledTokenWritesOnceAMinuteAndItsRefusalsAreCountedInAll() {
        TokenView token = token("ci");
        tokens.setStatus(owner, token.id(), null, TokenStatus.DISABLED);
        table.resetCalls();
        for (int i = 0; i < 1000; i++) {
            assertFalse(login(logins, token, token.secret(), "192.0.2." + (1 + i % 50), DOCKER));
            clock.advance(Duration.ofMillis(100)); // 100 s in all: two writes
        }
        assertEquals(2, table.calls("recordUsage"), "1000 refusals in 100 s");
        clock.advance(Duration.ofSeconds(61));
        assertFalse(login(logins, token, token.secret(), "192.0.2.99", DOCKER));
        assertEquals(3, table.calls("recordUsage"));
        TokenView view = view(token);
        assertEquals(1001, view.refusedLogins24h(), "gathered refusals are written by the next write, none lost");
        assertEquals("192.0.2.99", view.lastRefusal().ip());
        assertNull(view.lastUsedAt());
    }

    @Test
    void refusalsOlderThanADayLeaveTheCountAndTheItem() {
        TokenView token = token("ci");
        tokens.setStatus(owner, token.id(), null, TokenStatus.DISABLED);
        assertFalse(login(logins, token, token.secret(), "192.0.2.1", DOCKER));
        clock.advance(Duration.ofHours(12));
        assertFalse(login(logins, token, token.secret(), "192.0.2.1", DOCKER));
        assertEquals(2, view(token).refusedLogins24h());
        clock.advance(Duration.ofHours(13));
        assertEquals(1, view(token).refusedLogins24h(), "the first refusal's hour is over a day ago");
        assertFalse(login(logins, token, token.secret(), "192.0.2.1", DOCKER)); // learns the stale bucket
        clock.advance(Duration.ofMinutes(2));
        assertFalse(login(logins, token, token.secret(), "192.0.2.1", DOCKER)); // removes it
        assertEquals(2, table.findToken("team", token.id()).orElseThrow().usage().refusals().size(),
                "the day-old bucket was removed: two hours' buckets left");
        assertEquals(3, view(token).refusedLogins24h());
    }
}
