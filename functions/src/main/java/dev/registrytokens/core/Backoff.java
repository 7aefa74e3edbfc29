package dev.registrytokens.core;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Waits between attempts at a write that lost a race: exponential, with full jitter, so that writers who collided
 * do not collide again at the same instant.
 */
public final class Backoff {
    private static final long BASE_MILLIS = 20;
    private static final long CAP_MILLIS = 400;

    private Backoff() {
    }

    /** Sleeps a random time up to {@code BASE_MILLIS * 2^attempt}, capped, after the given failed attempt (from 1). */
    public static void pause(int attempt) {
        long bound = Math.min(CAP_MILLIS, BASE_MILLIS << Math.min(attempt, 10));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(bound + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DomainException.Unavailable.dependency("The token table", "interrupted (while waiting to retry)");
        }
    }
}
