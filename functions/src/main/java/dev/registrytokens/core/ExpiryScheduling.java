package dev.registrytokens.core;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Keeps a token's expiry schedules in step with its expiry. After a change has committed, {@link #follow} moves them
 * best effort: a scheduler failure never undoes or blocks the change (it is logged, with no secret), and
 * {@link #reconcile} later makes the schedules match the tokens again. A notice whose time has passed gets no schedule.
 */
public final class ExpiryScheduling {
    private final ExpirySchedules schedules;
    private final Clock clock;

    public ExpiryScheduling(ExpirySchedules schedules, Clock clock) {
        this.schedules = schedules;
        this.clock = clock;
    }

    /** What a reconcile changed: schedules created and deleted. */
    public record Reconciled(int tokens, int created, int deleted) {
    }

    /**
     * From the schedules of {@code before} (null: a new token) to those of {@code after} (null: deleted); a failed
     * call is logged and left to {@link #reconcile}.
     */
    public void follow(TokenRecord before, TokenRecord after) {
        Instant now = clock.instant();
        String tokenId = after != null ? after.id() : before.id();
        Set<String> wanted = new HashSet<>();
        for (ExpiryNotice notice : ExpiryNotice.pending(after, now)) {
            wanted.add(notice.scheduleName());
            bestEffort(tokenId, "create", () -> schedules.create(notice));
        }
        if (after != null && before != null && Objects.equals(before.expiresAt(), after.expiresAt())) {
            return; // the same expiry: its schedules stay
        }
        // The old expiry's schedules, even those whose time has passed: one may not have fired yet.
        for (ExpiryNotice old : ExpiryNotice.of(before)) {
            if (!wanted.contains(old.scheduleName())) {
                bestEffort(tokenId, "delete", () -> schedules.delete(old.scheduleName()));
            }
        }
    }

    /**
     * Makes the group's schedules those the tokens should have: creates the missing pending ones, deletes those of no
     * token or of another expiry (a due schedule of the current expiry is left to fire). A failure of one call is
     * logged and the rest go on; the failure of the listing is thrown.
     */
    public Reconciled reconcile(Collection<TokenRecord> tokens) {
        Instant now = clock.instant();
        Set<String> existing = new HashSet<>(schedules.names());
        Set<String> current = new HashSet<>();
        int created = 0;
        int deleted = 0;
        for (TokenRecord token : tokens) {
            ExpiryNotice.of(token).forEach(notice -> current.add(notice.scheduleName()));
            for (ExpiryNotice notice : ExpiryNotice.pending(token, now)) {
                if (!existing.contains(notice.scheduleName()) && bestEffort(token.id(), "create", () -> schedules.create(notice))) {
                    created++;
                }
            }
        }
        for (String name : List.copyOf(existing)) {
            if (!current.contains(name)
                    && bestEffort(ExpiryNotice.tokenIdOf(name).orElse("?"), "delete", () -> schedules.delete(name))) {
                deleted++;
            }
        }
        return new Reconciled(tokens.size(), created, deleted);
    }

    private static boolean bestEffort(String tokenId, String action, Runnable call) {
        try {
            call.run();
            return true;
        } catch (DomainException.Unavailable e) {
            // One JSON line, as the handlers log: the token id and the dependency's trouble, never a request.
            System.out.println("{\"expirySchedules\":\"" + action + " failed\",\"tokenId\":\"" + tokenId
                    + "\",\"cause\":\"" + e.diagnosis().replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");
            return false;
        }
    }
}
