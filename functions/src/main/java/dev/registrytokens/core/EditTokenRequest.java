package dev.registrytokens.core;

import java.util.List;

/**
 * A validated edit: a field not given stays as it is. The {@code *Given} flags tell "left out" from an explicit null
 * (which means "never" for the expiry, "none" for the description, "every repository" for the repositories and
 * "anywhere" for the allowed sources).
 */
public record EditTokenRequest(
        Permission permission,
        boolean repositoriesGiven,
        List<RepositoryRule> repositories,
        boolean expiryGiven,
        Integer expiresInDays,
        boolean descriptionGiven,
        String description,
        boolean allowedSourcesGiven,
        List<String> allowedSources) {

    /** An edit that leaves the allowed sources as they are. */
    public EditTokenRequest(Permission permission, boolean repositoriesGiven, List<RepositoryRule> repositories, boolean expiryGiven,
            Integer expiresInDays, boolean descriptionGiven, String description) {
        this(permission, repositoriesGiven, repositories, expiryGiven, expiresInDays, descriptionGiven, description, false, null);
    }
}
