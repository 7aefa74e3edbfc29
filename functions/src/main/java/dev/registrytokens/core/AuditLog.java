package dev.registrytokens.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The audit log as members read it, and its outbox: each record's event is put on the bus at least once, by
 * {@link #publishPending}, with the record's id as the event's id.
 */
public final class AuditLog {
    private final AuditStore store;
    /** Null in the function that only lists the log. */
    private final AuditEvents events;
    private final Clock clock;

    public AuditLog(AuditStore store, AuditEvents events, Clock clock) {
        this.store = store;
        this.events = events;
        this.clock = clock;
    }

    /** What one run of the outbox did: events published, and events still waiting (those that failed, or the time ran out). */
    public record Drained(int published, int failed) {
    }

    /** Every member of the namespace, viewers too, reads its whole log. */
    public AuditPage list(Membership member, int limit, String cursor, String tokenId) {
        if (limit < 1 || limit > TokenService.MAX_PAGE_SIZE) {
            throw new DomainException.InvalidInput("invalid_value", "limit must be a whole number from 1 to " + TokenService.MAX_PAGE_SIZE + ".", "limit");
        }
        if (cursor != null && !TokenIds.isWellFormed(cursor)) {
            throw new DomainException.InvalidInput("invalid_value", "cursor must be the nextCursor of a page.", "cursor");
        }
        if (tokenId != null && !TokenIds.isWellFormed(tokenId)) {
            throw new DomainException.InvalidInput("invalid_value", "tokenId must be a token id.", "tokenId");
        }
        // One extra record tells whether another page exists, so the last page never hands out a dead cursor.
        List<AuditRecord> found = store.listAudit(member.namespace(), limit + 1, cursor, tokenId);
        List<AuditRecord> page = found.subList(0, Math.min(limit, found.size()));
        return new AuditPage(page.stream().map(AuditEntry::of).toList(), found.size() > limit ? page.getLast().id() : null);
    }

    /**
     * Publishes the outbox's events, oldest first, in batches, until it is empty, a batch fails, or {@code budget} has
     * passed; each published record leaves the outbox. What is left is published by a later run.
     */
    public Drained publishPending(Duration budget) {
        Instant deadline = clock.instant().plus(budget);
        int published = 0;
        while (clock.instant().isBefore(deadline)) {
            List<AuditRecord> batch = store.pendingEvents(AuditEvents.MAX_BATCH);
            if (batch.isEmpty()) {
                return new Drained(published, 0);
            }
            Set<String> accepted = events.publish(batch);
            for (AuditRecord record : batch) {
                if (accepted.contains(record.id())) {
                    store.eventPublished(record);
                    published++;
                }
            }
            if (accepted.size() < batch.size()) {
                return new Drained(published, batch.size() - accepted.size());
            }
        }
        return new Drained(published, 0);
    }
}
