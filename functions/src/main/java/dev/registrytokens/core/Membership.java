package dev.registrytokens.core;

/** The caller acting in one namespace with one role: who may do what to which token is decided here. */
public record Membership(String subject, String namespace, Role role) {
    /** The subject the service's own changes are made as (the unused-token sweep, leak reports). */
    public static final String SYSTEM = "system";

    /** The service acting on a namespace by itself, with an owner's rights. */
    public static Membership system(String namespace) {
        return new Membership(SYSTEM, namespace, Role.OWNER);
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
