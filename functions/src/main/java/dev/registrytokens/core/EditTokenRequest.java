package dev.registrytokens.core;

import java.util.List;

/**
 * A validated edit: a field not given stays as it is. The {@code *Given} flags tell "left out" from an explicit null
 * (which means "never" for the expiry, "none" for the description and "every repository" for the repositories).
 */
public record EditTokenRequest(
        Permission permission,
        boolean repositoriesGiven,
        List<RepositoryRule> repositories,
        boolean expiryGiven,
        Integer expiresInDays,
        boolean descriptionGiven,
        String description) {
}
