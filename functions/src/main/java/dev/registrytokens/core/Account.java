package dev.registrytokens.core;

import java.util.regex.Pattern;

/**
 * The caller of the management API, as the JWT authorizer established it.
 * The namespace is the first path component of the caller's repositories and the prefix of every username.
 */
public record Account(String id, String namespace) {
    /** A Docker repository path component: lowercase alphanumerics joined by single separators. */
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]+(?:[._-][a-z0-9]+)*");
    private static final int MAX_NAMESPACE_LENGTH = 64;

    public Account {
        if (id == null || id.isBlank()) {
            throw new DomainException.Unauthenticated();
        }
        if (namespace == null || namespace.length() > MAX_NAMESPACE_LENGTH || !NAMESPACE.matcher(namespace).matches()) {
            throw new DomainException.Forbidden("invalid_namespace",
                    "The account's namespace must be 1 to 64 lowercase letters or digits, optionally separated by '.', '_' or '-'.",
                    "namespace");
        }
    }

    /** The login username of this account's token with that name: what goes after {@code docker login -u}. */
    public String usernameFor(String tokenName) {
        return namespace + "+" + tokenName;
    }
}
