package dev.registrytokens.core;

import java.util.Optional;

/**
 * What registry logins read and write: the login record, each source's failed logins per fixed window, and the
 * token's usage ({@code lastUsedAt}, {@link TokenUsage}). The table's adapter is {@code core.adapters.DynamoDbLoginStore}.
 */
public interface LoginStore {
    /** A username's login record (null if none) and the failed logins its source made in the current window. */
    record LoginAttempt(LoginRecord login, int sourceFailures) {
    }

    /**
     * The login read: the login record and the source's failure counter, together and strongly consistent (a reset,
     * disable or delete takes effect on the very next login; on a token hot in an environment, within the age its copy
     * may reach there), so that the hot path makes one read.
     */
    LoginAttempt findLoginAttempt(String username, String source, long failureWindow);

    /**
     * The login record alone (null if none), strongly consistent: a hot token's refresh of an environment's copy, which
     * needs no failure count (a guess is still counted, by {@link #countLoginGuess}, under the limit).
     */
    LoginRecord refreshLogin(String username);

    /**
     * Counts a guess against its source before the guess costs a MAC: one conditional increment of the source's
     * counter for the window (which expires with it, at {@code windowEndsAtEpochSecond}), made only while the count is
     * under {@code limit}, so guesses sent in parallel cannot pass it. False, and nothing written, when the source is
     * at its limit.
     */
    boolean countLoginGuess(String source, long failureWindow, long windowEndsAtEpochSecond, int limit);

    /** Takes back a counted guess that was no failure (the right secret, or one the MAC key could not judge). */
    void uncountLoginGuess(String source, long failureWindow);

    /**
     * One write of the token's usage, on its item: lastUsedAt (whole seconds) if the update has one, the update's
     * sources and refusal counts added, its stale entries removed. A token deleted or moved by the layout migration
     * meanwhile is left alone (empty). Does not bump the version: it is not a change anyone made. Returns the usage as
     * stored after the write, from which the next write learns what has become stale.
     */
    Optional<TokenUsage> recordUsage(LoginRecord login, UsageUpdate update);
}
