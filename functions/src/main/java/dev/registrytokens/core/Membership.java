package dev.registrytokens.core;

/**
 * The caller acting in one namespace with one role: who may do what to which token is decided here. {@code origin}
 * says where the request came from, for the audit log.
 */
public record Membership(String subject, String namespace, Role role, RequestOrigin origin) {
    /** The subject of automatic actions (sweeps, revocations), which act as an owner. */
    public static final String SYSTEM_SUBJECT = "system";

    public Membership {
        origin = origin == null ? RequestOrigin.NONE : origin;
    }

    public Membership(String subject, String namespace, Role role) {
        this(subject, namespace, role, RequestOrigin.NONE);
    }

    /** The service itself acting on a namespace's tokens: audited with subject {@code system}, role owner, no origin. */
    public static Membership system(String namespace) {
        return new Membership(SYSTEM_SUBJECT, namespace, Role.OWNER);
    }

    /** The same membership, with where its request came from. */
    public Membership from(RequestOrigin requestOrigin) {
        return new Membership(subject, namespace, role, requestOrigin);
    }

    /** Only owners read and set the namespace's policy. */
    public void requireOwner() {
        if (role != Role.OWNER) {
            throw new DomainException.Forbidden("forbidden", "Only owners of " + namespace + " may read or set its policy.", null);
        }
    }

    /** Members and owners create tokens. */
    public void requireCreate() {
        if (!role.atLeast(Role.MEMBER)) {
            throw new DomainException.Forbidden("forbidden",
                    "Viewers of " + namespace + " may list and read its tokens; members and owners create them.", null);
        }
    }

    /** Owners change any token of the namespace; members only those they created; viewers none. */
    public void requireChange(TokenRecord token) {
        if (role == Role.OWNER || (role == Role.MEMBER && subject.equals(token.createdBy()))) {
            return;
        }
        throw new DomainException.Forbidden("forbidden", role == Role.VIEWER
                ? "Viewers of " + namespace + " may only list and read its tokens; its members change the tokens they created, and its owners any token."
                : "Only the token's creator or an owner of " + namespace + " may change this token.", null);
    }
}
