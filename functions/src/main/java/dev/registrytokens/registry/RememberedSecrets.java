package dev.registrytokens.registry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What one execution environment remembers of recent KMS verdicts, per username: the SHA-256 of the secrets that
 * matched the login record's stored MAC (two during a reset's grace), and of a few secrets that did not. A verdict holds only while the record
 * still carries the same stored MAC (a reset changes it) and for at most {@code maxAge}. Memory only, bounded in
 * usernames (least recently used go first) and in refused secrets per username; never the secret itself.
 */
final class RememberedSecrets {
    /** A verdict is known, or KMS must be asked. */
    enum Verdict { MATCHES, REFUSED, UNKNOWN }

    /** At most two secrets are valid at once: the current one and, during a reset's grace, the one it replaced. */
    private static final int MAX_MATCHED_PER_USERNAME = 2;

    private final Clock clock;
    private final Duration maxAge;
    private final int maxRefusedPerUsername;
    private final Map<String, Remembered> byUsername;

    RememberedSecrets(Clock clock, Duration maxAge, int maxUsernames, int maxRefusedPerUsername) {
        this.clock = clock;
        this.maxAge = maxAge;
        this.maxRefusedPerUsername = maxRefusedPerUsername;
        this.byUsername = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Remembered> eldest) {
                return size() > maxUsernames;
            }
        };
    }

    /** SHA-256 of a secret: what is remembered and compared instead of the secret. */
    static byte[] hashOf(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    synchronized Verdict verdict(String username, byte[] storedMac, byte[] secretHash) {
        Remembered remembered = byUsername.get(username);
        if (remembered == null || !MessageDigest.isEqual(remembered.storedMac, storedMac)) {
            return Verdict.UNKNOWN;
        }
        Instant oldest = clock.instant().minus(maxAge);
        for (Hash matched : remembered.matched) {
            if (matched.at.isAfter(oldest) && MessageDigest.isEqual(matched.secretHash, secretHash)) {
                return Verdict.MATCHES;
            }
        }
        for (Hash refused : remembered.refused) {
            if (refused.at.isAfter(oldest) && MessageDigest.isEqual(refused.secretHash, secretHash)) {
                return Verdict.REFUSED;
            }
        }
        return Verdict.UNKNOWN;
    }

    synchronized void rememberMatch(String username, byte[] storedMac, byte[] secretHash) {
        Deque<Hash> matched = forMac(username, storedMac).matched;
        matched.removeIf(known -> MessageDigest.isEqual(known.secretHash, secretHash));
        if (matched.size() >= MAX_MATCHED_PER_USERNAME) {
            matched.removeFirst();
        }
        matched.addLast(new Hash(secretHash, clock.instant()));
    }

    synchronized void rememberRefusal(String username, byte[] storedMac, byte[] secretHash) {
        Deque<Hash> refused = forMac(username, storedMac).refused;
        if (refused.size() >= maxRefusedPerUsername) {
            refused.removeFirst();
        }
        refused.addLast(new Hash(secretHash, clock.instant()));
    }

    /** Before a SnapStart snapshot: nothing derived from a secret may be in it. */
    synchronized void forgetAll() {
        byUsername.clear();
    }

    /** The username's entry for this stored MAC; one for an older MAC is dropped, its verdicts no longer hold. */
    private Remembered forMac(String username, byte[] storedMac) {
        Remembered remembered = byUsername.get(username);
        if (remembered == null || !MessageDigest.isEqual(remembered.storedMac, storedMac)) {
            remembered = new Remembered(storedMac.clone());
            byUsername.put(username, remembered);
        }
        return remembered;
    }

    private record Hash(byte[] secretHash, Instant at) {
    }

    private static final class Remembered {
        final byte[] storedMac;
        final Deque<Hash> matched = new ArrayDeque<>();
        final Deque<Hash> refused = new ArrayDeque<>();

        Remembered(byte[] storedMac) {
            this.storedMac = storedMac;
        }
    }
}
