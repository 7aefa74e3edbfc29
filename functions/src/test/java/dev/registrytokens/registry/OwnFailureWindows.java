package dev.registrytokens.registry;

import dev.registrytokens.testing.RegistryFixtures;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clocks for the emulator-backed login tests, each fixed one second into a failure window of its own (with the window
 * after it left free too): no window boundary falls inside a test, and no failure another test counted (the emulator's
 * table is shared by the whole test JVM) counts in its window. The windows lie days ahead of the real clock, inside
 * the 30 days the tests' tokens live, from a random start, so that test JVMs sharing one emulator do not meet.
 */
public final class OwnFailureWindows {
    private static final long WINDOW_SECONDS = RegistryFixtures.FAILURE_WINDOW.toSeconds();
    private static final AtomicLong NEXT = new AtomicLong(Instant.now().plus(Duration.ofDays(1)).getEpochSecond() / WINDOW_SECONDS
            + ThreadLocalRandom.current().nextLong(Duration.ofDays(10).toSeconds() / WINDOW_SECONDS));

    private OwnFailureWindows() {
    }

    public static Clock next() {
        return Clock.fixed(Instant.ofEpochSecond(NEXT.getAndAdd(2) * WINDOW_SECONDS + 1), ZoneOffset.UTC);
    }
}
