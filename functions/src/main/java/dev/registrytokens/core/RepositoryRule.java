package dev.registrytokens.core;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One repository scope of a token: a pattern of repository paths below the namespace, and what the token may do there.
 * Patterns are written in distribution's grammar, where {@code *} matches any run of characters within one path
 * component ({@code app-*}) and a final {@code **} matches one or more components ({@code team/**} matches
 * {@code team/a} and {@code team/a/b}, not {@code team}).
 */
public record RepositoryRule(String pattern, Permission permission) {
    public static final int MAX_RULES = 100;
    /** distribution's limit on a whole repository name, less a namespace of one character and its slash. */
    public static final int MAX_PATTERN_LENGTH = 253;
    private static final String ANY_DEPTH = "**";
    /** A path component of distribution's grammar. */
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");

    /** Why a pattern is not one, or empty when it is. */
    public static Optional<String> problemWith(String pattern) {
        if (pattern.isEmpty() || pattern.length() > MAX_PATTERN_LENGTH) {
            return Optional.of("must be 1 to " + MAX_PATTERN_LENGTH + " characters");
        }
        String[] components = pattern.split("/", -1);
        for (int i = 0; i < components.length; i++) {
            String component = components[i];
            if (component.equals(ANY_DEPTH)) {
                if (i != components.length - 1) {
                    return Optional.of("may hold ** only as its last path component");
                }
            } else if (component.contains(ANY_DEPTH)) {
                return Optional.of("may hold ** only as a whole path component");
            } else if (!COMPONENT.matcher(component.replace('*', 'a')).matches()) {
                return Optional.of("must be a repository path below the namespace: lowercase letters and digits, separated by"
                        + " '.', '_', '__' or dashes, in components joined by '/', with '*' within a component or '**' at the end");
            }
        }
        return Optional.empty();
    }

    /** Whether this rule's pattern matches a repository path given relative to the namespace. */
    public boolean matches(String relativePath) {
        String[] pattern = this.pattern.split("/", -1);
        String[] path = relativePath.split("/", -1);
        boolean anyDepth = pattern[pattern.length - 1].equals(ANY_DEPTH);
        int fixed = anyDepth ? pattern.length - 1 : pattern.length;
        if (anyDepth ? path.length <= fixed : path.length != fixed) {
            return false;
        }
        for (int i = 0; i < fixed; i++) {
            if (!componentMatches(pattern[i], path[i])) {
                return false;
            }
        }
        return true;
    }

    /**
     * What the rules allow on a repository path relative to the namespace: the union of the permissions of the rules
     * matching it, or empty when none does.
     */
    public static Optional<Permission> allowedOn(List<RepositoryRule> rules, String relativePath) {
        Optional<Permission> allowed = Optional.empty();
        for (RepositoryRule rule : rules) {
            if (rule.matches(relativePath)) {
                if (rule.permission() == Permission.PULL_PUSH) {
                    return Optional.of(Permission.PULL_PUSH);
                }
                allowed = Optional.of(rule.permission());
            }
        }
        return allowed;
    }

    /** Glob matching of one component, '*' standing for any run of characters: linear, with one backtracking point. */
    private static boolean componentMatches(String pattern, String text) {
        int p = 0;
        int t = 0;
        int star = -1;
        int resume = 0;
        while (t < text.length()) {
            if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                resume = t;
            } else if (p < pattern.length() && pattern.charAt(p) == text.charAt(t)) {
                p++;
                t++;
            } else if (star >= 0) {
                p = star + 1;
                t = ++resume;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}
