package dev.registrytokens.registry;

import dev.registrytokens.core.Permission;
import dev.registrytokens.core.RepositoryRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One requested scope of the Docker registry token protocol: {@code repository:NAME:ACTIONS}, for example
 * {@code repository:acme/app:pull,push}. The name may itself hold colons, so the type ends at the first
 * colon and the actions start after the last.
 */
public record RegistryScope(String type, String name, Set<String> actions) {
    /** Repository names as distribution accepts them: lowercase path components separated by '/'. */
    private static final Pattern REPOSITORY_NAME =
            Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");
    private static final int MAX_NAME_LENGTH = 255;
    /** Scopes one token request may ask for: a push and a cross-repository mount need three. */
    public static final int MAX_SCOPES = 50;

    public static Optional<RegistryScope> parse(String scope) {
        int first = scope.indexOf(':');
        int last = scope.lastIndexOf(':');
        if (first <= 0 || last == first) {
            return Optional.empty();
        }
        String name = scope.substring(first + 1, last);
        if (name.isEmpty()) {
            return Optional.empty();
        }
        Set<String> actions = new LinkedHashSet<>();
        for (String action : scope.substring(last + 1).split(",")) {
            if (!action.isBlank()) {
                actions.add(action.trim());
            }
        }
        return Optional.of(new RegistryScope(scope.substring(0, first), name, actions));
    }

    /**
     * What to grant for these requested scopes: per repository inside the namespace, the requested actions that the
     * token's permission allows and, if the token has repository rules, that the rules matching the repository allow
     * (a repository no rule matches gets nothing). A scope granted nothing is left out (a partial grant is not an error
     * in the protocol), so a malformed or foreign name is never copied into a JWT; repeats of one repository are merged.
     */
    public static List<Access> grant(List<String> requested, String namespace, Permission permission, List<RepositoryRule> rules) {
        Map<String, Set<String>> requestedByRepository = new LinkedHashMap<>();
        for (String raw : requested) {
            parse(raw).filter(scope -> scope.type().equals("repository"))
                    .ifPresent(scope -> requestedByRepository.computeIfAbsent(scope.name(), n -> new LinkedHashSet<>())
                            .addAll(scope.actions()));
        }
        List<Access> granted = new ArrayList<>();
        requestedByRepository.forEach((name, actions) -> {
            boolean inNamespace = name.length() <= MAX_NAME_LENGTH && name.startsWith(namespace + "/")
                    && REPOSITORY_NAME.matcher(name).matches();
            List<String> allowed = inNamespace
                    ? allowedActions(permission, rules, name.substring(namespace.length() + 1)).stream().filter(actions::contains).toList()
                    : List.of();
            if (!allowed.isEmpty()) {
                granted.add(new Access("repository", name, allowed));
            }
        });
        return granted;
    }

    /** The token's permission, narrowed by the union of its rules that match the path (relative to the namespace). */
    private static List<String> allowedActions(Permission permission, List<RepositoryRule> rules, String relativePath) {
        if (rules == null) {
            return permission.registryActions();
        }
        return RepositoryRule.allowedOn(rules, relativePath)
                .map(byRules -> permission.registryActions().stream().filter(byRules.registryActions()::contains).toList())
                .orElse(List.of());
    }

    /** One entry of the JWT's {@code access} claim. */
    public record Access(String type, String name, List<String> actions) {
    }
}
