package dev.registrytokens.registry;

import dev.registrytokens.core.Permission;
import dev.registrytokens.core.RepositoryRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A login as the registry authorizer hands it to the token endpoint, in the authorizer's context (whose values API
 * Gateway allows only as strings, numbers and booleans): repository rules travel as one string of space-separated
 * {@code PATTERN:PERMISSION} pairs (patterns hold neither spaces nor colons), and are absent when the token may use
 * every repository. The token endpoint so grants from what the authorizer read, with no read of its own.
 */
public final class LoginContext {
    private LoginContext() {
    }

    public static Map<String, String> of(RegistryLogins.Login login) {
        Map<String, String> context = new LinkedHashMap<>();
        context.put("tokenId", login.tokenId());
        context.put("namespace", login.namespace());
        context.put("username", login.username());
        context.put("permission", login.permission().name());
        if (login.repositories() != null) {
            List<String> rules = login.repositories().stream().map(rule -> rule.pattern() + ":" + rule.permission().name()).toList();
            context.put("repositories", String.join(" ", rules));
        }
        return context;
    }

    /** The login the context describes; empty if it describes none (the route was reached without the authorizer). */
    public static Optional<RegistryLogins.Login> from(Map<String, Object> context) {
        Object tokenId = context.get("tokenId");
        Object username = context.get("username");
        Object namespace = context.get("namespace");
        Object permission = context.get("permission");
        if (tokenId == null || username == null || namespace == null || permission == null) {
            return Optional.empty();
        }
        Object repositories = context.get("repositories");
        return Optional.of(new RegistryLogins.Login(tokenId.toString(), namespace.toString(), username.toString(),
                Permission.valueOf(permission.toString()), repositories == null ? null : rules(repositories.toString())));
    }

    private static List<RepositoryRule> rules(String encoded) {
        List<RepositoryRule> rules = new ArrayList<>();
        for (String pair : encoded.split(" ")) {
            int colon = pair.lastIndexOf(':');
            rules.add(new RepositoryRule(pair.substring(0, colon), Permission.valueOf(pair.substring(colon + 1))));
        }
        return rules;
    }
}
