package dev.registrytokens.core;

import java.util.List;

/**
 * Where the audit log is read, and its outbox of events not yet published. Audit records are written only with the
 * change they describe, in the same transaction, by the {@link TokenStore}; each is also an outbox entry until its event
 * is published. The table's adapter is {@code core.adapters.DynamoDbAuditStore}.
 */
public interface AuditStore {
    /**
     * Up to {@code limit} of a namespace's audit records, newest first, starting after the record {@code afterId};
     * only those of token {@code tokenId} when it is given.
     */
    List<AuditRecord> listAudit(String namespace, int limit, String afterId, String tokenId);

    /** Up to {@code limit} records whose events are not published yet, oldest first. */
    List<AuditRecord> pendingEvents(int limit);

    /** Takes a record's entry off the outbox once its event is published (nothing if it is off already). */
    void eventPublished(AuditRecord record);
}
