package dev.registrytokens.core;

import java.util.Locale;
import java.util.Optional;

/** What a caller may do in a namespace; each role may do all that the ones before it may. */
public enum Role {
    /** Lists and reads the namespace's tokens. */
    VIEWER,
    /** Also creates tokens, and changes or deletes the ones they created. */
    MEMBER,
    /** Everything, on every token of the namespace. */
    OWNER;

    /** The role as the identity provider writes it ({@code viewer}, {@code member}, {@code owner}); empty for anything else. */
    public static Optional<Role> parse(String name) {
        for (Role role : values()) {
            if (role.label().equals(name)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }

    /** The lowercase name the claims and the API use. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean atLeast(Role other) {
        return compareTo(other) >= 0;
    }
}
