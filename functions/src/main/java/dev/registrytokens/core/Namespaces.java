package dev.registrytokens.core;

import java.util.regex.Pattern;

/** Registry namespaces: the first path component of their repositories, and the prefix of their tokens' usernames. */
public final class Namespaces {
    /** A Docker repository path component: lowercase alphanumerics joined by single separators. */
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]+(?:[._-][a-z0-9]+)*");
    private static final int MAX_LENGTH = 64;

    private Namespaces() {
    }

    public static boolean isWellFormed(String namespace) {
        return namespace != null && namespace.length() <= MAX_LENGTH && NAMESPACE.matcher(namespace).matches();
    }

    /** The login username of the namespace's token with that name: what goes after {@code docker login -u}. */
    public static String usernameFor(String namespace, String tokenName) {
        return namespace + "+" + tokenName;
    }
}
