package dev.registrytokens.registry;

import dev.registrytokens.core.LoginRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * This execution environment's copies of the login records of its hot tokens. A username is hot while this environment
 * sees at least {@code loginsPerSecond} of its logins in the current or the previous whole second of the clock; then
 * its last login read, if that read began at most {@code maxAge} ago, may stand in for the next one. So a change to
 * the record (disable, reset, delete) reaches a hot token's logins at most {@code maxAge} after it was written, and
 * reads per hot token are one per environment per {@code maxAge}, whatever the login rate. Below the threshold every
 * login reads. Memory only, bounded in usernames (least recently used go first); a copy holds the stored MAC, never a
 * secret.
 */
final class HotTokens {
    /** The defaults: 10 logins/s per environment make a token hot; a copy serves for at most 1 s. */
    static final int DEFAULT_LOGINS_PER_SECOND = 10;
    static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(1);

    private final Clock clock;
    private final int loginsPerSecond;
    private final Duration maxAge;
    private final Map<String, Usage> byUsername;

    HotTokens(Clock clock, int loginsPerSecond, Duration maxAge, int maxUsernames) {
        if (loginsPerSecond < 1 || maxAge.isNegative()) {
            throw new IllegalArgumentException("hot tokens need a threshold of at least 1 login/s and a maximum age of at least 0");
        }
        this.clock = clock;
        this.loginsPerSecond = loginsPerSecond;
        this.maxAge = maxAge;
        this.byUsername = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Usage> eldest) {
                return size() > maxUsernames;
            }
        };
    }

    /** What a login read found: the record, or null for a username with none. */
    record Copy(LoginRecord login) {
    }

    /** Counts a login of the username; true if that makes or keeps it hot. */
    synchronized boolean countLogin(String username) {
        Instant now = clock.instant();
        long second = now.getEpochSecond();
        Usage usage = byUsername.computeIfAbsent(username, unused -> new Usage());
        if (second != usage.second) {
            usage.previousSecondLogins = second == usage.second + 1 ? usage.secondLogins : 0;
            usage.second = second;
            usage.secondLogins = 0;
        }
        usage.secondLogins++;
        return usage.secondLogins >= loginsPerSecond || usage.previousSecondLogins >= loginsPerSecond;
    }

    /** The copy of the username's record whose read began no more than the maximum age ago, if there is one. */
    synchronized Optional<Copy> freshCopy(String username) {
        Usage usage = byUsername.get(username);
        if (usage == null || usage.copy == null || clock.instant().isAfter(usage.copyReadAt.plus(maxAge))) {
            return Optional.empty();
        }
        return Optional.of(usage.copy);
    }

    /** The record (null: none) a login read found; {@code readAt} is when the read began. The later read wins. */
    synchronized void remember(String username, LoginRecord login, Instant readAt) {
        Usage usage = byUsername.get(username);
        if (usage == null) {
            return; // dropped meanwhile as least recently used
        }
        if (usage.copy == null || !readAt.isBefore(usage.copyReadAt)) {
            usage.copy = new Copy(login);
            usage.copyReadAt = readAt;
        }
    }

    /** Before a SnapStart snapshot: no copy of any record goes into it. */
    synchronized void forgetAll() {
        byUsername.clear();
    }

    private static final class Usage {
        long second = Long.MIN_VALUE;
        int secondLogins;
        int previousSecondLogins;
        Copy copy;
        Instant copyReadAt;
    }
}
