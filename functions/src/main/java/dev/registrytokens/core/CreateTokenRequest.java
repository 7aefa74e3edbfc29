package dev.registrytokens.core;

import java.util.List;

/**
 * A validated create request; {@code expiresInDays} null means the token never expires, {@code repositories} null
 * that it may use every repository of the namespace.
 */
public record CreateTokenRequest(String name, Permission permission, List<RepositoryRule> repositories, Integer expiresInDays,
        String description) {
}
