package dev.registrytokens.core;

import java.util.List;

/**
 * A validated create request; {@code expiresInDays} null means the token never expires, {@code repositories} null
 * that it may use every repository of the namespace, {@code allowedSources} null that it may log in from anywhere.
 */
public record CreateTokenRequest(String name, Permission permission, List<RepositoryRule> repositories, Integer expiresInDays,
        String description, List<String> allowedSources) {

    /** A request with no source allow-list. */
    public CreateTokenRequest(String name, Permission permission, List<RepositoryRule> repositories, Integer expiresInDays,
            String description) {
        this(name, permission, repositories, expiresInDays, description, null);
    }
}
