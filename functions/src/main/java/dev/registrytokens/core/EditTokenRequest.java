package dev.registrytokens.core;

/**
 * A validated edit: a field not given stays as it is. The {@code *Given} flags tell "left out" from an
 * explicit null (which means "never" for the expiry, and "none" for the description).
 */
public record EditTokenRequest(
        Permission permission,
        boolean expiryGiven,
        Integer expiresInDays,
        boolean descriptionGiven,
        String description) {
}
