package dev.registrytokens.core;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The caller of the management API as the identity provider describes them: their subject, and their role in each of
 * their namespaces. Membership is read from every request's claims, so a change at the provider takes effect with the
 * caller's next token.
 */
public record Caller(String subject, Map<String, Role> roles) {
    public Caller {
        if (subject == null || subject.isBlank()) {
            throw new DomainException.Unauthenticated();
        }
        roles = Map.copyOf(roles);
        if (roles.isEmpty()) {
            throw new DomainException.Forbidden("no_namespace",
                    "Your identity names no registry namespace: you are a member of none, so there is nothing you may manage.", null);
        }
    }

    /** The caller in one of their namespaces; any other is answered as if it did not exist. */
    public Membership in(String namespace) {
        Role role = namespace == null ? null : roles.get(namespace);
        if (role == null) {
            throw DomainException.NotFound.namespace();
        }
        return new Membership(subject, namespace, role);
    }

    /** Every namespace of the caller's, by name. */
    public List<Membership> memberships() {
        return roles.entrySet().stream()
                .map(entry -> new Membership(subject, entry.getKey(), entry.getValue()))
                .sorted(Comparator.comparing(Membership::namespace))
                .toList();
    }
}
