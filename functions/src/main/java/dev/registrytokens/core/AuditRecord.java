package dev.registrytokens.core;

import java.time.Instant;
import java.util.List;

/**
 * One change of one token, as the audit log keeps it: {@code pk = NAMESPACE#<namespace>}, {@code sk = AUDIT#<id>}. Ids
 * are ULIDs of the change's time, so a descending query lists newest first; the id is also the event's stable id.
 * {@code expiresAt} (epoch seconds) is the table's TTL attribute: the audit retention. Holds no secret and no MAC.
 */
public record AuditRecord(
        String id,
        String namespace,
        AuditAction action,
        String tokenId,
        String tokenName,
        String username,
        String actorSubject,
        Role actorRole,
        String sourceIp,
        String userAgent,
        String requestId,
        Instant at,
        List<FieldChange> changes,
        Long expiresAt) {

    public static final String SORT_KEY_PREFIX = "AUDIT#";

    public AuditRecord {
        changes = changes == null ? List.of() : List.copyOf(changes);
    }

    public static String sortKey(String id) {
        return SORT_KEY_PREFIX + id;
    }

    /** The change of {@code token} by {@code member} at {@code at}, kept until {@code expiresAt}. */
    public static AuditRecord of(String id, AuditAction action, Membership member, TokenRecord token, Instant at,
                                 List<FieldChange> changes, Instant expiresAt) {
        RequestOrigin origin = member.origin();
        return new AuditRecord(id, token.namespace(), action, token.id(), token.name(), token.username(), member.subject(),
                member.role(), origin.sourceIp(), origin.userAgent(), origin.requestId(), at, changes, expiresAt.getEpochSecond());
    }

    /** For the table's static schema, which builds records through it. */
    public static final class Builder {
        private String id;
        private String namespace;
        private AuditAction action;
        private String tokenId;
        private String tokenName;
        private String username;
        private String actorSubject;
        private Role actorRole;
        private String sourceIp;
        private String userAgent;
        private String requestId;
        private Instant at;
        private List<FieldChange> changes;
        private Long expiresAt;

        public Builder id(String value) {
            this.id = value;
            return this;
        }

        public Builder namespace(String value) {
            this.namespace = value;
            return this;
        }

        public Builder action(AuditAction value) {
            this.action = value;
            return this;
        }

        public Builder tokenId(String value) {
            this.tokenId = value;
            return this;
        }

        public Builder tokenName(String value) {
            this.tokenName = value;
            return this;
        }

        public Builder username(String value) {
            this.username = value;
            return this;
        }

        public Builder actorSubject(String value) {
            this.actorSubject = value;
            return this;
        }

        public Builder actorRole(Role value) {
            this.actorRole = value;
            return this;
        }

        public Builder sourceIp(String value) {
            this.sourceIp = value;
            return this;
        }

        public Builder userAgent(String value) {
            this.userAgent = value;
            return this;
        }

        public Builder requestId(String value) {
            this.requestId = value;
            return this;
        }

        public Builder at(Instant value) {
            this.at = value;
            return this;
        }

        public Builder changes(List<FieldChange> value) {
            this.changes = value;
            return this;
        }

        public Builder expiresAt(Long value) {
            this.expiresAt = value;
            return this;
        }

        public AuditRecord build() {
            return new AuditRecord(id, namespace, action, tokenId, tokenName, username, actorSubject, actorRole, sourceIp, userAgent, requestId, at, changes, expiresAt);
        }
    }
}
