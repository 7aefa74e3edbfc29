package dev.registrytokens.core;

import java.util.List;

/** An audit record as the API lists it and its event carries it. */
public record AuditEntry(
        String id,
        String action,
        String namespace,
        String tokenId,
        String tokenName,
        String username,
        String at,
        Actor actor,
        List<FieldChange> changes) {

    /** Who made the change: their subject and role, and where the request came from. */
    public record Actor(String sub, String role, String sourceIp, String userAgent, String requestId) {
    }

    public static AuditEntry of(AuditRecord record) {
        return new AuditEntry(record.id(), record.action().label(), record.namespace(), record.tokenId(), record.tokenName(),
                record.username(), record.at().toString(),
                new Actor(record.actorSubject(), record.actorRole().label(), record.sourceIp(), record.userAgent(), record.requestId()),
                record.changes());
    }
}
